/** scanExport: every file entry of an export zip, named, read and sniffed, a few at a time. */
import { open } from 'node:fs/promises';
import type { CentralEntry } from './central-directory.js';
import { walkCentralDirectory } from './central-directory.js';
import type { ZipData } from './entry-data.js';
import { SharedRootFinder, folderPath, folderSegmentsOf, isDirectoryName } from './entry-name.js';
import { InflatePool } from './inflate-pool.js';
import { DEFAULT_SCAN_CONCURRENCY, MAX_SCAN_CONCURRENCY } from './limits.js';
import { readEntry } from './read-entry.js';
import type { EntryRead, ExportLog, SourceEntry } from './types.js';

export type ScanItem =
  | { readonly type: 'entry'; readonly entry: SourceEntry; readonly read: EntryRead; readonly exportLog?: ExportLog }
  | { readonly type: 'archive-error'; readonly zipPath: string; readonly entryName?: string; readonly error: string };

export interface ScanOptions {
  /** Inflate every entry to the end and check CRC-32 and sizes; false reads only the header blocks. */
  readonly verify: boolean;
  /** Entries read at once (default DEFAULT_SCAN_CONCURRENCY); also the bound on entries held in memory. */
  readonly concurrency?: number;
  /**
   * Worker threads that inflate and CRC-check entries; 0 (the default) inflates with zlib's async API on
   * the main process. Workers start on first use. On the 2-core, heavily shared benchmark machine the
   * workers cost about 120 µs of extra CPU per entry (messaging) and lost: 30 s user CPU against 23-25 s
   * for 50,000 entries, so they are opt-in until measured on an idle machine.
   */
  readonly workers?: number;
  readonly signal?: AbortSignal;
}

/** An archive-level failure message that names the file and says what it means for the user. */
function describeArchiveError(zipPath: string, error: unknown): string {
  const message = (error as Error).message ?? String(error);
  if (/end of central directory record signature not found/i.test(message)) {
    return `${zipPath}: not a zip file, or a truncated one (no end-of-central-directory record)`;
  }
  return `${zipPath}: ${message}`;
}

/**
 * One pass over the central directory, names only, to find an export-job prefix shared by every entry.
 * `failure` is set when the walk broke off; `seenAny` says whether it got past the first record.
 */
async function findSharedRoot(
  zipPath: string,
  signal: AbortSignal | undefined,
): Promise<{ root: string | undefined; failure?: unknown; seenAny: boolean }> {
  const finder = new SharedRootFinder();
  let seenAny = false;
  try {
    for await (const entry of walkCentralDirectory(zipPath)) {
      signal?.throwIfAborted();
      seenAny = true;
      finder.add(entry.name);
    }
  } catch (failure) {
    signal?.throwIfAborted();
    // The names before a corrupt record are not all the names: no root can be said to be shared.
    return { root: undefined, failure, seenAny };
  }
  return { root: finder.root(), seenAny };
}

function toSourceEntry(zipPath: string, entry: CentralEntry, sharedRoot: string | undefined): SourceEntry {
  const folderSegments = folderSegmentsOf(entry.name, sharedRoot);
  return {
    zipPath,
    entryName: entry.name,
    folder: folderPath(folderSegments),
    folderSegments,
    compressedSize: entry.compressedSize,
    uncompressedSize: entry.uncompressedSize,
    entryIndex: entry.index,
  };
}

/**
 * Yields every file entry of the zip exactly once (directory entries are skipped), in central-directory
 * order, then an 'archive-error' if the central directory broke off. Up to `concurrency` entries are read
 * at once (reads and async inflates run on the threadpool, so both cores work); the next one starts only
 * when the consumer takes a result, so a slow consumer holds at most `concurrency` entries in memory.
 * Central-directory order (rather than completion order) keeps reports deterministic and costs little:
 * entries are small and alike. Bad entries become `read.ok = false`; only an unreadable archive (not a
 * zip, no central directory) or a corrupt central directory yields 'archive-error'. Never throws, except
 * an AbortError when `signal` fires.
 *
 * The central directory is walked twice: once for names (the shared root), once to read; memory stays
 * constant in the number of entries.
 */
export async function* scanExport(zipPath: string, options: ScanOptions): AsyncGenerator<ScanItem> {
  const concurrency = Math.min(MAX_SCAN_CONCURRENCY, Math.max(1, Math.floor(options.concurrency ?? DEFAULT_SCAN_CONCURRENCY)));
  const { signal } = options;
  signal?.throwIfAborted();

  const names = await findSharedRoot(zipPath, signal);
  if (names.failure !== undefined && !names.seenAny) {
    yield { type: 'archive-error', zipPath, error: describeArchiveError(zipPath, names.failure) };
    return;
  }
  const sharedRoot = names.root;

  let zip: ZipData;
  try {
    const file = await open(zipPath, 'r');
    zip = { file, fileSize: (await file.stat()).size };
  } catch (error) {
    yield { type: 'archive-error', zipPath, error: describeArchiveError(zipPath, error) };
    return;
  }

  const pool = options.workers === undefined || options.workers <= 0 ? undefined : new InflatePool(Math.floor(options.workers));
  const walker = walkCentralDirectory(zipPath);
  const inFlight: Promise<ScanItem>[] = [];
  let lastName: string | undefined;
  let walkError: unknown;
  let walkDone = false;
  try {
    for (;;) {
      signal?.throwIfAborted();
      while (!walkDone && inFlight.length < concurrency) {
        let next: IteratorResult<CentralEntry>;
        try {
          next = await walker.next();
        } catch (error) {
          walkError = error;
          walkDone = true;
          break;
        }
        if (next.done) {
          walkDone = true;
          break;
        }
        const entry = next.value;
        lastName = entry.name;
        if (isDirectoryName(entry.name)) continue;
        const sourceEntry = toSourceEntry(zipPath, entry, sharedRoot);
        inFlight.push(
          readEntry(zip, zipPath, entry, options.verify, pool).then(
            (outcome): ScanItem => ({ type: 'entry', entry: sourceEntry, ...outcome }),
          ),
        );
      }
      const first = inFlight.shift();
      if (first === undefined) break;
      yield await first;
    }
    if (walkError !== undefined) {
      const error = describeArchiveError(zipPath, walkError);
      const after = lastName === undefined ? '' : ` (after entry ${lastName})`;
      yield { type: 'archive-error', zipPath, error: `${error}${after}`, ...(lastName === undefined ? {} : { entryName: lastName }) };
    }
  } finally {
    await walker.return(undefined);
    await Promise.allSettled(inFlight);
    await pool?.close();
    await zip.file.close();
  }
}
