/**
 * A ZipFile over bytes already in memory: the slice of a remote zip (an S3 object) that holds one batch
 * of entries, fetched on the main thread through the read-ahead and handed to a read worker, which must
 * not make requests of its own (each worker would fetch the same blocks again).
 */
import { Readable } from 'node:stream';
import type { ZipFile } from './zip-file.js';

/** The message of a read outside the window: the batch's entries are then read on the main thread. */
export const OUTSIDE_WINDOW = 'read outside the fetched window';

export interface ZipWindow {
  /** Object offset of bytes[0]. */
  readonly start: number;
  readonly bytes: Uint8Array;
  readonly fileSize: number;
}

export function windowZipFile(window: ZipWindow): ZipFile {
  const bytes = Buffer.from(window.bytes.buffer, window.bytes.byteOffset, window.bytes.byteLength);
  const end = window.start + bytes.length;
  const slice = (from: number, to: number): Buffer => {
    if (from < window.start || (to > end && end < window.fileSize)) throw new Error(OUTSIDE_WINDOW);
    return bytes.subarray(from - window.start, Math.min(to, end) - window.start);
  };
  return {
    fileSize: window.fileSize,
    blocking: true,
    read: (buffer, position) => Promise.resolve(slice(position, Math.min(position + buffer.length, window.fileSize)).copy(buffer)),
    stream: (start, last) => Readable.from([slice(start, last + 1)]),
    close: () => Promise.resolve(),
  };
}
