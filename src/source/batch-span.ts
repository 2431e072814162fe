/** The stretch of a zip that holds a batch of entries: what one read (or one ranged GET) must cover. */
import type { CentralEntry } from './central-directory.js';

/** Room for a local header (30 bytes and its variable part) beyond the central record's name and extra. */
const LOCAL_HEADER_ROOM_BYTES = 30 + 1024;

/** [start, end) of the file that holds every entry of the batch, or undefined for an empty batch. */
export function batchSpan(entries: readonly CentralEntry[], fileSize: number): { start: number; end: number } | undefined {
  let start = Infinity;
  let end = 0;
  for (const entry of entries) {
    start = Math.min(start, entry.localHeaderOffset);
    end = Math.max(end, entry.localHeaderOffset + LOCAL_HEADER_ROOM_BYTES + entry.centralVariableLength + entry.compressedSize);
  }
  end = Math.min(end, fileSize);
  return end > start ? { start, end } : undefined;
}
