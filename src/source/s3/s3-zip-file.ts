/**
 * An S3 object read as a ZipFile (see zip-file.ts) with ranged GETs. The end of the object (the
 * end-of-central-directory records and, for up to MAX_PINNED_DIRECTORY_BYTES, the whole central
 * directory) is fetched once and kept per object, so the scan's identity check and its two walks cost
 * one or two requests. Entry data is read in blocks (S3ReadProfile: the scan's large, the import's
 * small) with read-ahead while the reads move forward, so the number of GETs follows the bytes read, not
 * the entries (a 50,000-entry zip costs one GET per block, not per entry). Memory: at most the profile's
 * cachedBlocks per open zip (and blocks still being read after they left the cache), plus the kept end.
 */
import { Readable } from 'node:stream';
import type { ZipFile, ZipUse } from '../zip-file.js';
import type { S3Object } from './s3-object.js';
import { S3AccessError, headS3Object, readS3Range } from './s3-object.js';

/**
 * How an open zip fetches entry data: in blocks of `blockBytes`, `readAheadBlocks` of them asked for
 * before they are needed while reads move forward, at most `cachedBlocks` kept (read-ahead included) and
 * `spareBuffers` more for blocks to come (blocks still read while evicted give theirs later). Memory per
 * open zip: about (cachedBlocks + spareBuffers) x blockBytes. A GET costs about 1.7 ms of CPU and each
 * MiB received 5 more (against s3rver: 4.7 ms a GET of 512 KiB, 7.6 of 1 MiB, 21 of 4 MiB; see
 * bench/issue-15-s3-results.md, eighth round), so blocks much under 1 MiB cost CPU for little memory.
 */
export interface S3ReadProfile {
  readonly blockBytes: number;
  readonly readAheadBlocks: number;
  readonly cachedBlocks: number;
  readonly spareBuffers: number;
}

/**
 * The scan, one zip at a time as fast as the cores inflate it. A block of 4 MiB is 1/4 GET per MB read.
 * Read-ahead: a block is asked for 4 blocks (16 MiB) before it is needed, some 180 ms at a scan's 90 MB/s,
 * more than a GET of 4 MiB takes with a 30 ms round trip (bench:s3 --latency-ms 30: with 2 the scan waited
 * on most blocks). Eight kept: entries read concurrently may lag a block or two.
 */
export const SCAN_READS: S3ReadProfile = { blockBytes: 4 * 1024 * 1024, readAheadBlocks: 4, cachedBlocks: 8, spareBuffers: 2 };

/**
 * The import: every mailbox being imported keeps its zips open and reads a few messages at a time at
 * Graph's pace (at most about 0.5 MB/s a mailbox), so a block of 1 MiB lasts a second or more and one
 * ahead hides the round trip. With the scan's profile each mailbox held up to 40 MB of blocks: bench:estate
 * --s3 at 32 mailboxes peaked at 819 MB against 373 MB reading the same zips from disk, and the
 * Kubernetes Job's 1 GiB limit at --parallel 32 would have been passed with larger zips.
 */
export const IMPORT_READS: S3ReadProfile = { blockBytes: 1024 * 1024, readAheadBlocks: 1, cachedBlocks: 3, spareBuffers: 1 };

/**
 * The first request: the last MiB holds the end-of-central-directory records (at most 64 KiB of comment
 * plus the zip64 records) and, for a zip of up to some 10,000 entries, the central directory too.
 */
const TAIL_BYTES = 1024 * 1024;
/** Central directories up to this size are fetched in one GET and kept; a larger one is read in blocks. */
export const MAX_PINNED_DIRECTORY_BYTES = 64 * 1024 * 1024;
/** Blocks that fail in a row before the whole zip is given up (every later read fails at once). */
const FAILED_BLOCKS_TO_GIVE_UP = 2;
/**
 * Objects whose end is kept: the zip being scanned (its identity, its walks and its reads open it apart)
 * and the one before. The import opens no end (IMPORT_READS), and a kept end can hold a central directory
 * of tens of MB (some 23 MB for 200,000 entries): eight of them stayed in memory through a shard's scan.
 */
const KEPT_ENDS = 2;

interface Suffix {
  /** Object offset of bytes[0]; bytes run to the end of the object. */
  readonly start: number;
  readonly bytes: Buffer;
}

const ends = new Map<string, Promise<Suffix>>();

function endKey(object: S3Object): string {
  return `${object.uri}\u0000${object.etag}\u0000${object.size}`;
}

function keepEnd(key: string, end: Promise<Suffix>): void {
  ends.delete(key);
  ends.set(key, end);
  end.catch(() => ends.delete(key));
  while (ends.size > KEPT_ENDS) ends.delete(ends.keys().next().value as string);
}

function endOf(object: S3Object): Promise<Suffix> {
  const key = endKey(object);
  let end = ends.get(key);
  if (end === undefined) {
    const start = Math.max(0, object.size - TAIL_BYTES);
    end = object.size === 0 ? Promise.resolve({ start: 0, bytes: Buffer.alloc(0) }) : readS3Range(object, start, object.size).then((bytes) => ({ start, bytes }));
    keepEnd(key, end);
  } else keepEnd(key, end);
  return end;
}

/** Extends the kept end of the object down to `from` with one GET (the central directory's start). */
async function extendEnd(object: S3Object, from: number): Promise<Suffix> {
  const key = endKey(object);
  const current = await endOf(object);
  if (from >= current.start) return current;
  const extended = readS3Range(object, from, current.start).then((bytes) => ({ start: from, bytes: Buffer.concat([bytes, current.bytes]) }));
  keepEnd(key, extended);
  return extended;
}

/**
 * A block of entry data. Its buffer is the zip's own and is used again for a later block, once nothing can
 * read it any more: out of the cache, its GET settled, and no read between asking for it and copying out
 * of it. Fresh buffers for every block cost a full garbage collection every few tens of MB (see
 * collectBody in s3-object.ts); the same few buffers cost none.
 */
interface Block {
  readonly buffer: Buffer;
  bytes: Promise<Buffer>;
  /** Reads holding the block: from asking for it until they have copied out of it. */
  readers: number;
  settled: boolean;
  failed: boolean;
  cached: boolean;
  reused: boolean;
}

export class S3ZipFile implements ZipFile {
  readonly blocking = false;
  /** In the order of their last use, the oldest first. */
  private readonly blocks = new Map<number, Block>();
  /** Buffers of blocks nothing reads any more, for the next blocks. */
  private readonly spareBuffers: Buffer[] = [];
  /** The furthest block read so far: a read in it or the next one is "moving forward". */
  private lastBlock = -1;
  private failedBlocks = 0;
  private givenUp: Error | undefined;
  private closed = false;

  constructor(
    readonly object: S3Object,
    private end: Suffix,
    private readonly profile: S3ReadProfile = SCAN_READS,
  ) {}

  get fileSize(): number {
    return this.object.size;
  }

  /**
   * Says that `start` up to the end of the object (the central directory) will be read: fetched in one
   * GET and kept, when it is not too large.
   */
  async prefetchEnd(start: number): Promise<void> {
    if (start >= this.end.start || this.object.size - start > MAX_PINNED_DIRECTORY_BYTES) return;
    this.end = await extendEnd(this.object, start);
  }

  readAheadFrom(position: number): void {
    if (this.closed || this.givenUp !== undefined || position >= this.end.start) return;
    const index = Math.floor(position / this.profile.blockBytes);
    this.want(index);
    this.wantAhead(index);
    // The first read there is a read moving forward: it asks for the blocks after these.
    this.lastBlock = Math.max(this.lastBlock, index - 1);
  }

  async read(buffer: Buffer, position: number): Promise<number> {
    if (this.closed) throw new Error(`${this.object.uri}: read after close`);
    const end = Math.min(position + buffer.length, this.object.size);
    let at = position;
    while (at < end) {
      if (at >= this.end.start) {
        at += this.end.bytes.copy(buffer, at - position, at - this.end.start, end - this.end.start);
        continue;
      }
      const index = Math.floor(at / this.profile.blockBytes);
      const blockStart = index * this.profile.blockBytes;
      const block = this.hold(index);
      try {
        const bytes = await block.bytes;
        const upTo = Math.min(end, blockStart + bytes.length);
        at += bytes.copy(buffer, at - position, at - blockStart, upTo - blockStart);
      } finally {
        block.readers -= 1;
        this.reuseIfDone(block);
      }
    }
    return Math.max(0, end - position);
  }

  stream(start: number, end: number): Readable {
    const chunkBytes = 1024 * 1024;
    const read = (buffer: Buffer, position: number): Promise<number> => this.read(buffer, position);
    return Readable.from(
      (async function* chunks(): AsyncGenerator<Buffer> {
        for (let at = start; at <= end; at += chunkBytes) {
          const chunk = Buffer.allocUnsafe(Math.min(chunkBytes, end + 1 - at));
          const got = await read(chunk, at);
          if (got < chunk.length) throw new Error('unexpected end of object');
          yield chunk;
        }
      })(),
      { objectMode: false },
    );
  }

  close(): Promise<void> {
    // A GET still running writes on into its buffer: from here on no buffer is used again.
    this.closed = true;
    this.blocks.clear();
    this.spareBuffers.length = 0;
    return Promise.resolve();
  }

  /** The block holding `index * blockBytes`, held for one read (see Block), with read-ahead when moving forward. */
  private hold(index: number): Block {
    if (this.givenUp) throw this.givenUp;
    const forward = index === this.lastBlock || index === this.lastBlock + 1;
    // Never undefined: reads ask only for blocks below the kept end.
    const block = this.want(index) as Block;
    block.readers += 1;
    if (forward) this.wantAhead(index);
    this.lastBlock = Math.max(this.lastBlock, index);
    return block;
  }

  /** The profile's read-ahead blocks after `index`. */
  private wantAhead(index: number): void {
    for (let ahead = 1; ahead <= this.profile.readAheadBlocks; ahead++) this.want(index + ahead);
  }

  /** The block, from the cache (marked recently used) or requested now; nothing for a block in the kept end. */
  private want(index: number): Block | undefined {
    const start = index * this.profile.blockBytes;
    const cached = this.blocks.get(index);
    if (cached !== undefined) {
      this.blocks.delete(index);
      this.blocks.set(index, cached);
      return cached;
    }
    if (start >= this.end.start) return undefined;
    // Room first: the block that goes may give its buffer to this one.
    while (this.blocks.size >= this.profile.cachedBlocks) this.evictOldest();
    const end = Math.min(start + this.profile.blockBytes, this.end.start);
    const block: Block = {
      buffer: this.spareBuffers.pop() ?? Buffer.allocUnsafeSlow(this.profile.blockBytes),
      bytes: Promise.resolve(Buffer.alloc(0)),
      readers: 0,
      settled: false,
      failed: false,
      cached: true,
      reused: false,
    };
    block.bytes = readS3Range(this.object, start, end, block.buffer).then(
      (bytes) => {
        this.failedBlocks = 0;
        block.settled = true;
        this.reuseIfDone(block);
        return bytes;
      },
      (error: unknown) => {
        // The failed block stays cached: the other entries in it fail at once with the same reason rather
        // than wait through the retries again; once evicted, a later read asks again.
        block.settled = true;
        block.failed = true;
        this.reuseIfDone(block);
        this.failedBlocks += 1;
        if (error instanceof S3AccessError || this.failedBlocks >= FAILED_BLOCKS_TO_GIVE_UP) {
          this.givenUp ??= new Error(`given up on the zip after repeated read failures: ${(error as Error).message}`, { cause: error });
        }
        throw error;
      },
    );
    // Read-ahead that nobody reads yet must not be an unhandled rejection.
    block.bytes.catch(() => undefined);
    this.blocks.set(index, block);
    return block;
  }

  private evictOldest(): void {
    const [index, block] = this.blocks.entries().next().value as [number, Block];
    this.blocks.delete(index);
    block.cached = false;
    this.reuseIfDone(block);
  }

  /** Gives the block's buffer to the next block once nothing can read it: see Block. */
  private reuseIfDone(block: Block): void {
    if (block.reused || this.closed || !block.settled || block.readers > 0 || (block.cached && !block.failed)) return;
    block.reused = true;
    if (this.spareBuffers.length < this.profile.spareBuffers) this.spareBuffers.push(block.buffer);
  }
}

/** Opens `uri` for reads: HEAD (once per process) and, for a scan, the object's end (once per object and ETag). */
export async function openS3ZipFile(uri: string, use: ZipUse = 'scan'): Promise<S3ZipFile> {
  const object = await headS3Object(uri);
  // The import reads entries at their recorded offsets and needs no end: holding the kept one (with the
  // central directory the scan pinned in it, some 23 MB for 200,000 entries) once per mailbox added up.
  if (use === 'import') return new S3ZipFile(object, { start: object.size, bytes: Buffer.alloc(0) }, IMPORT_READS);
  return new S3ZipFile(object, await endOf(object), SCAN_READS);
}
