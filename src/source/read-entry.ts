/** Reading one entry for the scan: its header block (or all of it, verified), sniffed. */
import type { CentralEntry } from './central-directory.js';
import { readInflatedPrefix, readWholeBuffered, readWholeVerified, refuseEntry } from './entry-data.js';
import { parseExportLog } from './export-log.js';
import { headerBlockOf } from './header-block.js';
import { HEADER_PREFIX_STEPS, MAX_EXPORT_LOG_BYTES } from './limits.js';
import { sniffContent } from './sniff.js';
import type { EntryRead, ExportLog } from './types.js';
import type { ZipFile } from './zip-file.js';
import { SourceTransientError, unavailableIn } from './source-unavailable.js';

export interface EntryOutcome {
  readonly read: EntryRead;
  readonly exportLog?: ExportLog;
}

/**
 * Reads an entry; every problem with its bytes becomes `read.ok = false` naming the zip and the entry.
 * Throws only SourceUnavailableError: bytes that could not be had (see source-unavailable.ts).
 */
export async function readEntry(
  zip: ZipFile,
  zipPath: string,
  entry: CentralEntry,
  verify: boolean,
): Promise<EntryOutcome> {
  const fail = (reason: string): EntryOutcome => ({ read: { ok: false, error: `${zipPath}: ${entry.name}: ${reason}` } });
  const refusal = refuseEntry(entry);
  if (refusal !== undefined) return fail(refusal);
  try {
    let head: Buffer;
    let whole: Buffer | undefined;
    let verified = false;
    const headOnly = verify ? undefined : await readHeadOnly(zip, entry);
    if (headOnly !== undefined) head = headOnly;
    else {
      const read = await readWholeVerified(zip, entry);
      verified = true;
      if (read.complete) whole = read.bytes;
      head = headerBlockOf(read.bytes, true) ?? read.bytes;
    }

    const sniffed = sniffContent(head);
    if (sniffed.kind === 'json') {
      if (entry.uncompressedSize > MAX_EXPORT_LOG_BYTES) {
        return { read: { ok: true, kind: 'unreadable', reason: `JSON larger than ${MAX_EXPORT_LOG_BYTES} bytes, not an export log`, head, verified } };
      }
      whole ??= await readWholeBuffered(zip, entry);
      const log = parseExportLog(whole, entry.name);
      if (typeof log === 'string') return { read: { ok: true, kind: 'unreadable', reason: log, head, verified: true } };
      return { read: { ok: true, kind: 'export-log', head, verified: true }, exportLog: log };
    }
    if (sniffed.kind === 'unreadable') return { read: { ok: true, kind: 'unreadable', reason: sniffed.reason, head, verified } };
    return { read: { ok: true, kind: sniffed.kind, head, verified } };
  } catch (error) {
    // Bytes that could not be had are not bad bytes: the scan stops, and the entry is read again later.
    const unavailable = unavailableIn(error, zipPath, entry.name);
    if (unavailable) throw unavailable;
    if (error instanceof SourceTransientError) return { read: { ok: false, error: `${zipPath}: ${entry.name}: ${error.message}`, readAgain: true } };
    return fail((error as Error).message);
  }
}

/**
 * The header block from a growing compressed prefix, or undefined when the prefixes didn't hold it and
 * the caller should read the whole entry.
 */
async function readHeadOnly(zip: ZipFile, entry: CentralEntry): Promise<Buffer | undefined> {
  for (const step of HEADER_PREFIX_STEPS) {
    if (step >= entry.compressedSize) return undefined;
    const inflated = await readInflatedPrefix(zip, entry, step);
    const head = headerBlockOf(inflated, false);
    if (head !== undefined) return head;
  }
  return undefined;
}
