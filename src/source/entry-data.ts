/**
 * Reading one entry's bytes straight from the file: its compressed data (or a prefix of it), inflated and
 * checked against the central directory. yauzl is used only for the central directory: reading the local
 * header and the data ourselves costs one positional read per entry instead of several stream hops, and
 * yauzl doesn't check CRC-32 anyway.
 */
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { CentralEntry } from './central-directory.js';
import { isEncrypted } from './central-directory.js';
import {
  MAX_COMPRESSION_RATIO,
  MAX_ENTRY_UNCOMPRESSED_BYTES,
  MAX_HEADER_BLOCK_BYTES,
  RATIO_CHECK_MIN_BYTES,
  STREAM_INFLATE_THRESHOLD_BYTES,
  SYNC_INFLATE_MAX_COMPRESSED_BYTES,
  SYNC_READ_MAX_BYTES,
} from './limits.js';
import type { ZipFile } from './zip-file.js';

const inflateRaw = promisify(zlib.inflateRaw);

const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const LOCAL_HEADER_FIXED_BYTES = 30;
/** Room for a local extra field longer than the central one (zip64 locals often are), so one read suffices. */
const LOCAL_EXTRA_SLACK_BYTES = 64;

const STORED = 0;
const DEFLATED = 8;

/** Why an entry can't be read before any byte of it is, or undefined when it may be read. */
export function refuseEntry(entry: CentralEntry): string | undefined {
  if (entry.problem !== undefined) return entry.problem;
  if (isEncrypted(entry)) return 'entry is encrypted';
  if (entry.compressionMethod !== STORED && entry.compressionMethod !== DEFLATED) {
    return `unsupported compression method ${entry.compressionMethod} (only stored and deflate are supported)`;
  }
  if (entry.uncompressedSize > MAX_ENTRY_UNCOMPRESSED_BYTES) {
    return `declared size ${entry.uncompressedSize} bytes is above the ${MAX_ENTRY_UNCOMPRESSED_BYTES}-byte limit (zip bomb?); not inflated`;
  }
  if (entry.uncompressedSize >= RATIO_CHECK_MIN_BYTES) {
    const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize);
    if (ratio > MAX_COMPRESSION_RATIO) {
      return `compression ratio ${Math.round(ratio)}:1 is above the ${MAX_COMPRESSION_RATIO}:1 limit (zip bomb?); not inflated`;
    }
  }
  return undefined;
}

/** Fills `buffer` from `position`: blocking where the file and the read allow it (SYNC_READ_MAX_BYTES). */
function readAt(zip: ZipFile, buffer: Buffer, position: number): number | Promise<number> {
  if (zip.readSync !== undefined && (zip.blocking || buffer.length <= SYNC_READ_MAX_BYTES)) return zip.readSync(buffer, position);
  return zip.read(buffer, position);
}

/** Where the entry's data starts, reading the local header (and, when `dataBytes` > 0, the data with it). */
async function readLocal(zip: ZipFile, entry: CentralEntry, dataBytes: number): Promise<{ start: number; data?: Buffer }> {
  const offset = entry.localHeaderOffset;
  if (offset + LOCAL_HEADER_FIXED_BYTES > zip.fileSize) {
    throw new Error(`local header at offset ${offset} is past the end of the file (truncated archive?)`);
  }
  const guess = LOCAL_HEADER_FIXED_BYTES + entry.centralVariableLength + LOCAL_EXTRA_SLACK_BYTES + dataBytes;
  const buffer = Buffer.allocUnsafe(Math.min(guess, zip.fileSize - offset));
  const bytesRead = await readAt(zip, buffer, offset);
  if (bytesRead < LOCAL_HEADER_FIXED_BYTES) throw new Error('unexpected end of file in the local header');
  if (buffer.readUInt32LE(0) !== LOCAL_HEADER_SIGNATURE) {
    throw new Error(`no local file header at offset ${offset} (corrupt or truncated archive)`);
  }
  const headerBytes = LOCAL_HEADER_FIXED_BYTES + buffer.readUInt16LE(26) + buffer.readUInt16LE(28);
  const start = offset + headerBytes;
  if (start + dataBytes > zip.fileSize) {
    throw new Error(`entry data runs past the end of the file (truncated archive?)`);
  }
  if (dataBytes === 0) return { start };
  if (headerBytes + dataBytes <= bytesRead) return { start, data: buffer.subarray(headerBytes, headerBytes + dataBytes) };
  const data = Buffer.allocUnsafe(dataBytes);
  if ((await readAt(zip, data, start)) < dataBytes) throw new Error('unexpected end of file in the entry data');
  return { start, data };
}

/** The first `bytes` compressed bytes of the entry (all of them when `bytes` is its compressed size). */
export async function readCompressed(zip: ZipFile, entry: CentralEntry, bytes: number): Promise<Buffer> {
  const { data } = await readLocal(zip, entry, bytes);
  return data ?? Buffer.alloc(0);
}

function isBufferTooLarge(error: unknown): boolean {
  return (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
}

function tooLarge(entry: CentralEntry): Error {
  return new Error(`inflates to more than the ${entry.uncompressedSize} bytes the central directory declares`);
}

function checkIntegrity(entry: CentralEntry, size: number, crc: number): void {
  if (size !== entry.uncompressedSize) {
    throw new Error(`inflated to ${size} bytes, but the central directory says ${entry.uncompressedSize}`);
  }
  if (crc >>> 0 !== entry.crc32 >>> 0) {
    throw new Error(`CRC-32 mismatch: data has ${hex(crc)}, central directory says ${hex(entry.crc32)}`);
  }
}

function hex(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

/**
 * Inflates a whole entry in one buffer and checks its size and CRC-32. On the main thread an entry of
 * more than SYNC_INFLATE_MAX_COMPRESSED_BYTES inflates on the threadpool; on a read worker everything
 * inflates in place, since nothing waits on that thread and the async API's per-chunk round trips cost
 * more CPU than the inflate itself.
 */
export async function readWholeBuffered(zip: ZipFile, entry: CentralEntry): Promise<Buffer> {
  const raw = await readCompressed(zip, entry, entry.compressedSize);
  let data: Buffer;
  if (entry.compressionMethod === STORED) data = raw;
  else {
    // The cap makes a lying central directory (small declared size, huge output) fail early.
    // One output chunk one byte larger than the declared size: zlib allocates a chunk more whenever the
    // last one comes back full, and then copies the chunks into one buffer.
    const options = { maxOutputLength: Math.max(1, entry.uncompressedSize), chunkSize: Math.max(zlib.constants.Z_MIN_CHUNK, entry.uncompressedSize + 1) };
    try {
      const inPlace = zip.blocking || raw.length <= SYNC_INFLATE_MAX_COMPRESSED_BYTES;
      data = inPlace ? zlib.inflateRawSync(raw, options) : await inflateRaw(raw, options);
    } catch (error) {
      if (isBufferTooLarge(error)) throw tooLarge(entry);
      throw new Error(`deflate data is corrupt: ${(error as Error).message}`, { cause: error });
    }
  }
  checkIntegrity(entry, data.length, zlib.crc32(data));
  return data;
}

/**
 * Inflates a whole entry as a stream (constant memory), checking size and CRC-32, and keeps only its
 * first MAX_HEADER_BLOCK_BYTES.
 */
async function readWholeStreamed(zip: ZipFile, entry: CentralEntry): Promise<Buffer> {
  const { start } = await readLocal(zip, entry, 0);
  if (start + entry.compressedSize > zip.fileSize) throw new Error('entry data runs past the end of the file (truncated archive?)');
  const raw = zip.stream(start, start + entry.compressedSize - 1);
  const inflater = entry.compressionMethod === DEFLATED ? zlib.createInflateRaw() : undefined;
  const source = inflater ? raw.pipe(inflater) : raw;
  raw.on('error', (error) => inflater?.destroy(error));
  const head: Buffer[] = [];
  let headBytes = 0;
  let size = 0;
  let crc = 0;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > entry.uncompressedSize) throw tooLarge(entry);
      crc = zlib.crc32(chunk, crc);
      if (headBytes < MAX_HEADER_BLOCK_BYTES) {
        const part = chunk.subarray(0, MAX_HEADER_BLOCK_BYTES - headBytes);
        head.push(Buffer.from(part));
        headBytes += part.length;
      }
    }
  } catch (error) {
    raw.destroy();
    inflater?.destroy();
    if ((error as Error).message.startsWith('inflates to more')) throw error;
    throw new Error(`deflate data is corrupt: ${(error as Error).message}`, { cause: error });
  }
  checkIntegrity(entry, size, crc);
  return Buffer.concat(head);
}

/** The outcome of reading an entry completely: its bytes (or their start, for huge entries), verified. */
export interface WholeRead {
  /** The whole entry, or only its first MAX_HEADER_BLOCK_BYTES when it was streamed. */
  readonly bytes: Buffer;
  readonly complete: boolean;
}

/** Reads and verifies a whole entry: buffered, or streamed when it is too large to hold. */
export async function readWholeVerified(zip: ZipFile, entry: CentralEntry): Promise<WholeRead> {
  if (entry.compressedSize > STREAM_INFLATE_THRESHOLD_BYTES) {
    return { bytes: await readWholeStreamed(zip, entry), complete: false };
  }
  return { bytes: await readWholeBuffered(zip, entry), complete: true };
}

/**
 * Inflates the first `prefixBytes` compressed bytes: Z_SYNC_FLUSH gives whatever output they hold
 * without an "unexpected end" error. Synchronous, because for a few KiB a threadpool hop costs more.
 */
export async function readInflatedPrefix(zip: ZipFile, entry: CentralEntry, prefixBytes: number): Promise<Buffer> {
  const raw = await readCompressed(zip, entry, prefixBytes);
  if (entry.compressionMethod === STORED) return raw;
  try {
    return zlib.inflateRawSync(raw, {
      finishFlush: zlib.constants.Z_SYNC_FLUSH,
      maxOutputLength: Math.max(1, entry.uncompressedSize),
    });
  } catch (error) {
    if (isBufferTooLarge(error)) throw tooLarge(entry);
    throw new Error(`deflate data is corrupt: ${(error as Error).message}`, { cause: error });
  }
}
