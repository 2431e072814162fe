/** openExport: random access to an export's entries, for the import stage's uploads. */
import type { CentralEntry } from './central-directory.js';
import { unavailableIn } from './source-unavailable.js';
import { walkCentralDirectory } from './central-directory.js';
import { readWholeBuffered, refuseEntry } from './entry-data.js';
import type { EntryLocation } from './types.js';
import { openZipFile, type ZipFile } from './zip-file.js';

/** An entry as the ledger recorded it at the scan: all it takes to read the entry again. */
export interface LocatedEntry {
  readonly name: string;
  /** Its position in the central directory. */
  readonly index: number;
  readonly crc32: number;
  readonly uncompressedSize: number;
  readonly location: EntryLocation;
}

export interface ExportReader {
  /**
   * The whole entry, inflated, with its size and CRC-32 checked against what the scan recorded. Reads
   * nothing but the entry: no central directory, and nothing held per entry of the zip. Throws an Error
   * naming the zip and the entry on any failure (a zip changed since the scan fails its CRC-32 check).
   */
  readLocated(entry: LocatedEntry): Promise<Buffer>;
  /**
   * The same by name, for rows that have no location (written by an earlier version): walks the central
   * directory on first use and keeps a small record per entry (about 200 bytes each) until close.
   * `entryIndex` picks one of several entries with the same name; without it the first is read.
   */
  readWhole(entryName: string, entryIndex?: number): Promise<Buffer>;
  close(): Promise<void>;
}

/** Opens an export for reading entries (local path or s3:// URI). Reads may run concurrently. */
export async function openExport(zipPath: string): Promise<ExportReader> {
  const zip = await openZipFile(zipPath, { blocking: false, use: 'import' });
  let byName: Promise<Map<string, CentralEntry[]>> | undefined;
  let closed = false;

  const read = async (entry: CentralEntry): Promise<Buffer> => {
    if (closed) throw new Error(`${zipPath}: ${entry.name}: the reader is closed`);
    const refusal = refuseEntry(entry);
    if (refusal !== undefined) throw new Error(`${zipPath}: ${entry.name}: ${refusal}`);
    try {
      return await readWholeBuffered(zip, entry);
    } catch (error) {
      throw unavailableIn(error, zipPath, entry.name) ?? new Error(`${zipPath}: ${entry.name}: ${(error as Error).message}`, { cause: error });
    }
  };

  return {
    readLocated(entry: LocatedEntry): Promise<Buffer> {
      return read({
        index: entry.index,
        name: entry.name,
        flags: entry.location.flags,
        compressionMethod: entry.location.compressionMethod,
        crc32: entry.crc32,
        compressedSize: entry.location.compressedSize,
        uncompressedSize: entry.uncompressedSize,
        localHeaderOffset: entry.location.localHeaderOffset,
        // Only a guess at the local header's length, to read it with the data in one go; a longer header
        // costs a second read.
        centralVariableLength: Buffer.byteLength(entry.name),
      });
    },
    async readWhole(entryName: string, entryIndex?: number): Promise<Buffer> {
      byName ??= indexByName(zipPath, zip);
      const candidates = (await byName).get(entryName) ?? [];
      const entry = entryIndex === undefined ? candidates[0] : candidates.find((c) => c.index === entryIndex);
      if (entry === undefined) throw new Error(`${zipPath}: ${entryName}: no such entry`);
      return read(entry);
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await zip.close();
    },
  };
}

async function indexByName(zipPath: string, zip: ZipFile): Promise<Map<string, CentralEntry[]>> {
  const byName = new Map<string, CentralEntry[]>();
  try {
    for await (const entry of walkCentralDirectory(zipPath, zip)) {
      const same = byName.get(entry.name);
      if (same) same.push(entry);
      else byName.set(entry.name, [entry]);
    }
  } catch (error) {
    throw unavailableIn(error, zipPath) ?? new Error(`${zipPath}: cannot read the central directory: ${(error as Error).message}`, { cause: error });
  }
  return byName;
}
