/**
 * The open zip that entry reads go through: a random-access reader over a local file or an S3 object
 * (s3/s3-zip-file.ts, ranged GETs). Two ways to read a local file: with the async file API on the main
 * thread, where the event loop must stay free (progress, signals, uploads), and with blocking reads on a
 * read worker, where nothing else waits and a blocking read of a cached page costs a fraction of an async
 * one (measured: about 17 µs of main-thread time per async read, 100,000 reads per 50,000-entry scan).
 * On the main thread a small read blocks too (SYNC_READ_MAX_BYTES): the import reads every message it
 * uploads, and the threadpool's round trip costs more than reading a few pages of a file.
 */
import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { isS3Uri } from './zip-location.js';

export interface ZipFile {
  readonly fileSize: number;
  /** Reads block the thread: work on this thread may block too. */
  readonly blocking: boolean;
  /** Fills `buffer` from file offset `position` as far as the file goes; resolves the bytes read. */
  read(buffer: Buffer, position: number): Promise<number>;
  /**
   * The same read, blocking, for a local file (never an S3 object). With `blocking` false, a caller uses
   * it only for reads of at most SYNC_READ_MAX_BYTES.
   */
  readSync?(buffer: Buffer, position: number): number;
  /** Bytes `start` to `end` (inclusive) as a stream, for entries too large to hold at once. */
  stream(start: number, end: number): Readable;
  close(): Promise<void>;
  /**
   * Says that everything from `start` to the end (the central directory) is about to be read, for a
   * reader that pays per request; a local file has no use for it.
   */
  prefetchEnd?(start: number): Promise<void>;
  /**
   * Says that reads will move forward from `position` before long: a reader that pays per request starts
   * fetching now (a scan's first blocks come in while the central directory is walked for names).
   */
  readAheadFrom?(position: number): void;
}

/**
 * Who reads: a scan reads one zip at a time as fast as it can; the import keeps a zip open per mailbox and
 * reads it at Graph's pace, so an S3 object keeps far less of itself in memory for it.
 */
export type ZipUse = 'scan' | 'import';

/**
 * Opens `path` (a local path or an s3:// URI) for reads; `blocking` for a worker thread (an S3 object is
 * never read with blocking reads). Throws as `open` does (missing file, …), or S3AccessError.
 */
export async function openZipFile(path: string, { blocking, use = 'scan' }: { blocking: boolean; use?: ZipUse }): Promise<ZipFile> {
  // Loaded only when needed: the AWS SDK costs start-up time that a local run (and each read worker) need not pay.
  if (isS3Uri(path)) return (await import('./s3/s3-zip-file.js')).openS3ZipFile(path, use);
  if (blocking) {
    const fd = openSync(path, 'r');
    let closed = false;
    return {
      fileSize: fstatSync(fd).size,
      blocking,
      read: (buffer, position) => Promise.resolve(readSync(fd, buffer, 0, buffer.length, position)),
      readSync: (buffer, position) => readSync(fd, buffer, 0, buffer.length, position),
      stream: (start, end) => createReadStream('', { fd, start, end, autoClose: false }),
      close: () => {
        if (!closed) closeSync(fd);
        closed = true;
        return Promise.resolve();
      },
    };
  }
  const file = await open(path, 'r');
  const fileSize = (await file.stat()).size;
  return {
    fileSize,
    blocking,
    read: async (buffer, position) => (await file.read(buffer, 0, buffer.length, position)).bytesRead,
    readSync: (buffer, position) => readSync(file.fd, buffer, 0, buffer.length, position),
    stream: (start, end) => file.createReadStream({ start, end, autoClose: false }),
    close: () => file.close(),
  };
}
