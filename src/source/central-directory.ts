/** Walking a zip's central directory with yauzl, one entry at a time, names decoded by us. */
import yauzl from 'yauzl';
import type { Entry, ZipFile } from 'yauzl';
import { decodeEntryName } from './entry-name.js';

/** What we keep of a central-directory record: small, so that holding many (openExport) stays cheap. */
export interface CentralEntry {
  /** Position in the central directory, from 0; tells apart two entries with the same name. */
  readonly index: number;
  readonly name: string;
  readonly flags: number;
  readonly compressionMethod: number;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly localHeaderOffset: number;
  /** Name + extra length in the central record: a good guess at the local header's, to read both at once. */
  readonly centralVariableLength: number;
}

/** General-purpose flag bit 0: traditional PKWARE encryption (bit 6, strong encryption, yauzl refuses). */
const ENCRYPTED_FLAG = 0x0001;

export function isEncrypted(entry: CentralEntry): boolean {
  return (entry.flags & ENCRYPTED_FLAG) !== 0;
}

function openZip(zipPath: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(
      zipPath,
      { lazyEntries: true, autoClose: false, decodeStrings: false, strictFileNames: false, validateEntrySizes: true },
      (error, zip) => (error ? reject(error) : resolve(zip)),
    );
  });
}

function toCentralEntry(entry: Entry, index: number): CentralEntry {
  return {
    index,
    name: decodeEntryName(entry.fileNameRaw, entry.generalPurposeBitFlag, entry.extraFields),
    flags: entry.generalPurposeBitFlag,
    compressionMethod: entry.compressionMethod,
    crc32: entry.crc32,
    compressedSize: entry.compressedSize,
    uncompressedSize: entry.uncompressedSize,
    localHeaderOffset: entry.relativeOffsetOfLocalHeader,
    centralVariableLength: entry.fileNameLength + entry.extraFieldLength,
  };
}

/**
 * Yields every central-directory record in order. Throws (from the first `next()`) when the file is not a
 * zip or its central directory is missing, and mid-walk when a record is corrupt; yauzl can't go on past
 * a corrupt record, so neither can we.
 */
export async function* walkCentralDirectory(zipPath: string): AsyncGenerator<CentralEntry> {
  const zip = await openZip(zipPath);
  // yauzl emits 'error' on the ZipFile; without a listener that would crash the process.
  let failure: Error | undefined;
  const remember = (error: Error): void => {
    failure ??= error;
  };
  zip.on('error', remember);
  try {
    for (let index = 0; ; index++) {
      const entry = await new Promise<Entry | undefined>((resolve, reject) => {
        const onEntry = (e: Entry): void => {
          cleanup();
          resolve(e);
        };
        const onEnd = (): void => {
          cleanup();
          resolve(undefined);
        };
        const onError = (error: Error): void => {
          cleanup();
          reject(error);
        };
        const cleanup = (): void => {
          zip.off('entry', onEntry);
          zip.off('end', onEnd);
          zip.off('error', onError);
        };
        if (failure) return reject(failure);
        zip.on('entry', onEntry);
        zip.on('end', onEnd);
        zip.on('error', onError);
        zip.readEntry();
      });
      if (entry === undefined) return;
      yield toCentralEntry(entry, index);
    }
  } finally {
    zip.close();
  }
}
