/**
 * Walking a zip's central directory. yauzl finds it (end-of-central-directory record, zip64 locator);
 * we then read the records ourselves in large chunks, because yauzl reads each record with two separate
 * file reads (about 57 µs per entry here, 6 s per pass over 100,000 entries) and stops the whole walk at
 * entry-level problems that should only cost that entry.
 */
import { PassThrough } from 'node:stream';
import type { Readable } from 'node:stream';
import { createRequire } from 'node:module';
import type Yauzl from 'yauzl';
import { decodeEntryName } from './entry-name.js';
import type { ExtraField } from './entry-name.js';
import type { ZipFile } from './zip-file.js';
import { openZipFile } from './zip-file.js';
import { isS3Uri } from './zip-location.js';

// A CommonJS package, loaded with require() (README, Development: start-up).
const yauzl = createRequire(import.meta.url)('yauzl') as typeof Yauzl;

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
  /** Why the record itself makes the entry unreadable (the rest of the zip is fine). */
  readonly problem?: string;
}

/** General-purpose flag bit 0: traditional PKWARE encryption. */
const ENCRYPTED_FLAG = 0x0001;
/** General-purpose flag bit 6: strong encryption. */
const STRONG_ENCRYPTION_FLAG = 0x0040;
const CENTRAL_HEADER_SIGNATURE = 0x02014b50;
const CENTRAL_HEADER_FIXED_BYTES = 46;
const ZIP64_EXTRA_ID = 0x0001;
/**
 * Bytes of central directory read at a time: big enough that the per-read cost vanishes, small enough to
 * be nothing next to the entries in flight. A record is at most 46 + 3 * 65,535 bytes, which this holds.
 */
const CENTRAL_DIRECTORY_CHUNK_BYTES = 1024 * 1024;

export function isEncrypted(entry: CentralEntry): boolean {
  return (entry.flags & (ENCRYPTED_FLAG | STRONG_ENCRYPTION_FLAG)) !== 0;
}

interface DirectoryLocation {
  readonly offset: number;
  readonly entryCount: number;
}

/** yauzl's view of a ZipFile that is not a local file (an S3 object): it finds the records the same way. */
class ZipFileReader extends yauzl.RandomAccessReader {
  constructor(private readonly zip: ZipFile) {
    super();
  }

  override _readStreamForRange(start: number, end: number): Readable {
    const stream = new PassThrough();
    const buffer = Buffer.allocUnsafe(end - start);
    this.zip.read(buffer, start).then(
      (bytesRead) => stream.end(buffer.subarray(0, bytesRead)),
      (error: unknown) => stream.destroy(error as Error),
    );
    return stream;
  }
}

const YAUZL_OPTIONS = { lazyEntries: true, autoClose: false, decodeStrings: false, strictFileNames: false, validateEntrySizes: true };

/**
 * Where the central directory starts and how many records it has; throws for a non-zip or truncated file.
 * Bytes after the end record (a proxy's error page appended to a download) are passed over, as Info-ZIP
 * and Python do: yauzl wants the end record's comment to end the file, and refused the whole archive.
 */
async function locateCentralDirectory(zipPath: string, zip: ZipFile): Promise<DirectoryLocation> {
  try {
    return await locateWithYauzl(zipPath, zip, zip.fileSize);
  } catch (error) {
    if (!/^Invalid comment length/.test((error as Error).message)) throw error;
    const end = await zipEndBefore(zip);
    if (end === null) throw error;
    return locateWithYauzl(zipPath, zip, end);
  }
}

const END_RECORD_SIGNATURE = 0x06054b50;
const END_RECORD_BYTES = 22;
const MAX_COMMENT_BYTES = 0xffff;

/** Where the zip proper ends: just past the last end record whose comment fits in the file, or null. */
async function zipEndBefore(zip: ZipFile): Promise<number | null> {
  const length = Math.min(zip.fileSize, END_RECORD_BYTES + MAX_COMMENT_BYTES + 1024);
  const tail = Buffer.allocUnsafe(length);
  const read = await zip.read(tail, zip.fileSize - length);
  const start = zip.fileSize - length;
  for (let i = read - END_RECORD_BYTES; i >= 0; i--) {
    if (tail.readUInt32LE(i) !== END_RECORD_SIGNATURE) continue;
    const end = i + END_RECORD_BYTES + tail.readUInt16LE(i + 20);
    if (end <= read) return start + end;
  }
  return null;
}

function locateWithYauzl(zipPath: string, zip: ZipFile, size: number): Promise<DirectoryLocation> {
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, found?: Yauzl.ZipFile): void => {
      if (error || found === undefined) return reject(error ?? new Error('no zip'));
      // yauzl keeps the directory offset as the cursor of its (unused) entry reader.
      const offset = (found as unknown as { readEntryCursor: number }).readEntryCursor;
      const location = { offset, entryCount: found.entryCount };
      found.close();
      resolve(location);
    };
    if (isS3Uri(zipPath) || size !== zip.fileSize) yauzl.fromRandomAccessReader(new ZipFileReader(zip), size, YAUZL_OPTIONS, done);
    else yauzl.open(zipPath, YAUZL_OPTIONS, done);
  });
}

/**
 * The raw bytes of the central directory (every record, not the end records): what identifies a zip's
 * content without reading its entries. Throws as walkCentralDirectory does.
 */
export async function readCentralDirectoryBytes(zipPath: string): Promise<Buffer> {
  const zip = await openZipFile(zipPath, { blocking: false });
  try {
    const location = await locateCentralDirectory(zipPath, zip);
    await zip.prefetchEnd?.(location.offset);
    let length = 0;
    for await (const record of walkRecords(zip, location)) length = record.end - location.offset;
    const bytes = Buffer.allocUnsafe(length);
    if ((await zip.read(bytes, location.offset)) < length) throw new Error('central directory is cut off');
    return bytes;
  } finally {
    await zip.close();
  }
}

function parseExtraFields(bytes: Buffer): ExtraField[] {
  const fields: ExtraField[] = [];
  for (let i = 0; i + 4 <= bytes.length; ) {
    const id = bytes.readUInt16LE(i);
    const size = bytes.readUInt16LE(i + 2);
    const end = Math.min(bytes.length, i + 4 + size); // a field that overruns is cut, not fatal
    fields.push({ id, data: bytes.subarray(i + 4, end) });
    i = end;
  }
  return fields;
}

function readUInt64(buffer: Buffer, at: number): number {
  // Exact up to 2^53, which is 8 PiB: far beyond any export.
  return buffer.readUInt32LE(at) + buffer.readUInt32LE(at + 4) * 0x1_0000_0000;
}

/** Parses the record at `at` in `chunk`, which holds it whole. */
function parseRecord(chunk: Buffer, at: number, index: number): { entry: CentralEntry; length: number } {
  const flags = chunk.readUInt16LE(at + 8);
  const compressionMethod = chunk.readUInt16LE(at + 10);
  const crc32 = chunk.readUInt32LE(at + 16);
  let compressedSize = chunk.readUInt32LE(at + 20);
  let uncompressedSize = chunk.readUInt32LE(at + 24);
  const nameLength = chunk.readUInt16LE(at + 28);
  const extraLength = chunk.readUInt16LE(at + 30);
  const commentLength = chunk.readUInt16LE(at + 32);
  let localHeaderOffset = chunk.readUInt32LE(at + 42);
  const nameStart = at + CENTRAL_HEADER_FIXED_BYTES;
  const rawName = chunk.subarray(nameStart, nameStart + nameLength);
  const extraFields = parseExtraFields(chunk.subarray(nameStart + nameLength, nameStart + nameLength + extraLength));

  let problem: string | undefined;
  const zip64 = extraFields.find((field) => field.id === ZIP64_EXTRA_ID);
  if (uncompressedSize === 0xffffffff || compressedSize === 0xffffffff || localHeaderOffset === 0xffffffff) {
    // The zip64 field holds, in this order, only the values whose 32-bit fields are all ones.
    let i = 0;
    const next = (): number | undefined => {
      if (zip64 === undefined || i + 8 > zip64.data.length) return undefined;
      const value = readUInt64(zip64.data, i);
      i += 8;
      return value;
    };
    const fromZip64 = (value: number): number => {
      if (value !== 0xffffffff) return value;
      const wide = next();
      if (wide === undefined) problem = 'zip64 extra field is missing a size or offset';
      return wide ?? value;
    };
    uncompressedSize = fromZip64(uncompressedSize);
    compressedSize = fromZip64(compressedSize);
    localHeaderOffset = fromZip64(localHeaderOffset);
  }
  if (flags & STRONG_ENCRYPTION_FLAG) problem ??= 'entry uses strong encryption';
  if (compressionMethod === 0 && !(flags & ENCRYPTED_FLAG) && compressedSize !== uncompressedSize) {
    problem ??= `stored entry has different compressed (${compressedSize}) and uncompressed (${uncompressedSize}) sizes`;
  }
  const name = decodeEntryName(rawName, flags, extraFields).replace(/\\/g, '/');
  return {
    entry: {
      index,
      name,
      flags,
      compressionMethod,
      crc32,
      compressedSize,
      uncompressedSize,
      localHeaderOffset,
      centralVariableLength: nameLength + extraLength,
      ...(problem === undefined ? {} : { problem }),
    },
    length: CENTRAL_HEADER_FIXED_BYTES + nameLength + extraLength + commentLength,
  };
}

/**
 * Yields every central-directory record in order. Throws (from the first `next()`) when the file is not a
 * zip or its central directory is missing, and mid-walk when a record is corrupt or cut off: past a broken
 * record nothing says where the next one starts. `zipPath` is a local path or an s3:// URI; the walk
 * reads it through `opened` when given (and leaves it open), else opens it itself.
 */
export async function* walkCentralDirectory(zipPath: string, opened?: ZipFile): AsyncGenerator<CentralEntry> {
  const zip = opened ?? (await openZipFile(zipPath, { blocking: false }));
  try {
    const location = await locateCentralDirectory(zipPath, zip);
    await zip.prefetchEnd?.(location.offset);
    for await (const record of walkRecords(zip, location)) yield record.entry;
  } finally {
    if (opened === undefined) await zip.close();
  }
}

/** The records from `location`, each with the file offset just past it. */
async function* walkRecords(zip: ZipFile, location: DirectoryLocation): AsyncGenerator<{ entry: CentralEntry; end: number }> {
  const fileSize = zip.fileSize;
  // One buffer for the whole walk, refilled in place: nothing parsed from it outlives its record (names
  // are decoded into strings), and a fresh megabyte per refill cost more in page faults than the parsing.
  let buffer = Buffer.allocUnsafeSlow(0);
  let chunk = buffer;
  let chunkStart = location.offset; // file offset of chunk[0]
  let at = 0;
  /** Whether the next `bytes` from `at` are in the chunk. */
  const held = (bytes: number): boolean => at + bytes <= chunk.length;
  /** Reads on from `at` until the next `bytes` are held (or the file ends); whether they are. */
  const refill = async (bytes: number): Promise<boolean> => {
    const kept = chunk.length - at;
    const want = Math.max(bytes, CENTRAL_DIRECTORY_CHUNK_BYTES);
    if (buffer.length < want) {
      const larger = Buffer.allocUnsafeSlow(want);
      chunk.copy(larger, 0, at);
      buffer = larger;
    } else chunk.copy(buffer, 0, at);
    const readFrom = chunkStart + at + kept;
    const fresh = buffer.subarray(kept, kept + Math.max(0, Math.min(want - kept, fileSize - readFrom)));
    const bytesRead = fresh.length === 0 ? 0 : await zip.read(fresh, readFrom);
    chunk = buffer.subarray(0, kept + bytesRead);
    chunkStart += at;
    at = 0;
    return held(bytes);
  };
  /** Whether a central-directory record starts at `at`. */
  const anotherRecordFollows = async (): Promise<boolean> =>
    (held(4) || (await refill(4))) && chunk.readUInt32LE(at) === CENTRAL_HEADER_SIGNATURE;
  for (let index = 0; ; index++) {
    // The end record's 16-bit count wraps (or is capped at 0xffff) in zips of more than 65,535 entries
    // written without zip64 records: read on while another record follows, as Info-ZIP does, instead of
    // leaving the rest out without a word.
    if (index >= location.entryCount && !(await anotherRecordFollows())) break;
    // Awaited only when the chunk runs out: an await per record, even of a plain value, cost a microtask
    // turn per entry, and a zip holds up to hundreds of thousands.
    if (!held(CENTRAL_HEADER_FIXED_BYTES) && !(await refill(CENTRAL_HEADER_FIXED_BYTES))) {
      throw new Error(`central directory ends after ${index} of ${location.entryCount} records`);
    }
    if (chunk.readUInt32LE(at) !== CENTRAL_HEADER_SIGNATURE) {
      throw new Error(`central directory record ${index} is corrupt (bad signature)`);
    }
    const variable = chunk.readUInt16LE(at + 28) + chunk.readUInt16LE(at + 30) + chunk.readUInt16LE(at + 32);
    if (!held(CENTRAL_HEADER_FIXED_BYTES + variable) && !(await refill(CENTRAL_HEADER_FIXED_BYTES + variable))) {
      throw new Error(`central directory record ${index} is cut off`);
    }
    const { entry, length } = parseRecord(chunk, at, index);
    at += length;
    yield { entry, end: chunkStart + at };
  }
}
