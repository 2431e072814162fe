/**
 * What makes an export the same export wherever it lies: its size and a hash of its last bytes, which hold
 * the end of the central directory (every entry's CRC-32, sizes and offsets) and the end record. A zip
 * moved, renamed, downloaded again or read from S3 instead of the disk has the same identity; a different
 * export of the same size does not. Reading only the tail keeps this cheap for a 50 GB zip, and it is the
 * part a reader fetches first anyway (an S3 object's last MiB is fetched once and kept).
 */
import { createHash } from 'node:crypto';
import { openZipFile } from './zip-file.js';
import { zipIdentity } from './zip-identity.js';

/** Enough to hold the central-directory records of the last few thousand entries and the end record. */
export const IDENTITY_TAIL_BYTES = 1024 * 1024;

/** `size:sha256-prefix` of the tail; a plain string so the ledger can index it. */
export function exportIdentityOfTail(size: number, tail: Uint8Array): string {
  return `${size}:${createHash('sha256').update(tail).digest('hex').slice(0, 32)}`;
}

/** The identity of a zip, local or in S3; null when it cannot be read (the scan then reports why). */
export async function exportIdentity(location: string): Promise<string | null> {
  let zip;
  try {
    zip = await openZipFile(location, { blocking: false });
    const length = Math.min(zip.fileSize, IDENTITY_TAIL_BYTES);
    const tail = Buffer.alloc(length);
    const read = await zip.read(tail, zip.fileSize - length);
    return exportIdentityOfTail(zip.fileSize, tail.subarray(0, read));
  } catch {
    return null;
  } finally {
    await zip?.close();
  }
}

/**
 * Locations that hold the same export, found cheaply: only zips of one byte size (a stat, or the HEAD the
 * start-up makes of every S3 zip anyway) have their tails read and compared. Two exports of one size are
 * rare, so an estate of 5,000 zips reads next to nothing here. Unreadable zips are left out.
 */
export async function sameExports(locations: readonly string[]): Promise<string[][]> {
  const bySize = new Map<number, string[]>();
  for (const location of new Set(locations)) {
    const size = (await zipIdentity(location))?.size;
    if (size !== undefined) bySize.set(size, [...(bySize.get(size) ?? []), location]);
  }
  const groups: string[][] = [];
  for (const sameSize of bySize.values()) {
    if (sameSize.length < 2) continue;
    const byIdentity = new Map<string, string[]>();
    for (const location of sameSize) {
      const identity = await exportIdentity(location);
      if (identity !== null) byIdentity.set(identity, [...(byIdentity.get(identity) ?? []), location]);
    }
    groups.push(...[...byIdentity.values()].filter((group) => group.length > 1));
  }
  return groups;
}
