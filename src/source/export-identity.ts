/**
 * What makes an export the same export wherever it lies: its size and a hash of its last bytes, which hold
 * the end of the central directory (every entry's CRC-32, sizes and offsets) and the end record. A zip
 * moved, renamed or downloaded again has the same identity; a different export of the same size does not.
 * Reading only the tail keeps this cheap for a 50 GB zip, and the same recipe works for any source that
 * can read a range (a local file, an S3 object).
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

/** Enough to hold the central-directory records of the last few thousand entries and the end record. */
export const IDENTITY_TAIL_BYTES = 1024 * 1024;

/** `size:sha256-prefix` of the tail; a plain string so the ledger can index it. */
export function exportIdentity(size: number, tail: Uint8Array): string {
  return `${size}:${createHash('sha256').update(tail).digest('hex').slice(0, 32)}`;
}

/** The identity of a local zip; null when it cannot be read (the scan then reports why). */
export async function localExportIdentity(path: string): Promise<string | null> {
  let handle;
  try {
    handle = await open(path, 'r');
    const { size } = await handle.stat();
    const length = Math.min(size, IDENTITY_TAIL_BYTES);
    const tail = Buffer.alloc(length);
    let read = 0;
    while (read < length) {
      const { bytesRead } = await handle.read(tail, read, length - read, size - length + read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return exportIdentity(size, tail.subarray(0, read));
  } catch {
    return null;
  } finally {
    await handle?.close();
  }
}
