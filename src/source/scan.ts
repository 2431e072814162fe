/** scanExport: every file entry of an export zip, named, read and sniffed, a few at a time. */
import { availableParallelism } from 'node:os';
import { batchSpan } from './batch-span.js';
import type { CentralEntry } from './central-directory.js';
import { walkCentralDirectory } from './central-directory.js';
import { SharedRootFinder, folderPath, folderSegmentsOf, isDirectoryName } from './entry-name.js';
import {
  DEFAULT_SCAN_CONCURRENCY,
  MAX_READ_WORKERS,
  MAX_SCAN_CONCURRENCY,
  READ_WORKER_BATCH_ENTRIES,
  READ_WORKER_BATCHES_IN_FLIGHT,
  READ_WORKER_MIN_ENTRIES,
  REMOTE_READ_WORKER_BATCHES_IN_FLIGHT,
} from './limits.js';
import type { EntryOutcome } from './read-entry.js';
import { readEntry } from './read-entry.js';
import { ReadPool } from './read-pool.js';
import type { EntryRead, ExportLog, SourceEntry } from './types.js';
import { OUTSIDE_WINDOW } from './window-zip-file.js';
import type { ZipFile } from './zip-file.js';
import { openZipFile } from './zip-file.js';
import { isS3Uri } from './zip-location.js';
import { zipUnavailableIn } from './source-unavailable.js';

/** The largest slice of a remote zip handed to a worker at once; a batch spread wider is read here. */
const MAX_WORKER_WINDOW_BYTES = 16 * 1024 * 1024;

export type ScanItem =
  | { readonly type: 'entry'; readonly entry: SourceEntry; readonly read: EntryRead; readonly exportLog?: ExportLog }
  | { readonly type: 'archive-error'; readonly zipPath: string; readonly entryName?: string; readonly error: string };

export interface ScanOptions {
  /** Inflate every entry to the end and check CRC-32 and sizes; false reads only the header blocks. */
  readonly verify: boolean;
  /**
   * Entries read at once on the main thread (default DEFAULT_SCAN_CONCURRENCY); also the bound on entries
   * held in memory there. Read workers hold a few batches instead.
   */
  readonly concurrency?: number;
  /**
   * Worker threads that read entries (see read-pool.ts); 0 reads on the main thread. By default one per
   * core but one (at least one) for a zip of READ_WORKER_MIN_ENTRIES entries or more, and one more when
   * they turn out to be the limit (read-pool-growth.ts); none for a smaller zip, where starting them would
   * cost more than they save. A number given here is kept to.
   */
  readonly workers?: number;
  /**
   * Read workers kept for a whole run (startReadPool), used for every zip whatever its size, and not closed
   * here: a run of many small zips, each too small to start workers for, is then read on two cores too.
   * `workers: 0` still reads on the main thread.
   */
  readonly readPool?: ReadPool;
  readonly signal?: AbortSignal;
}

/** An archive-level failure message that names the file and says what it means for the user. */
function describeArchiveError(zipPath: string, error: unknown): string {
  const message = (error as Error).message ?? String(error);
  if (/end of central directory record signature not found/i.test(message)) {
    return `${zipPath}: not a zip file, or a truncated one (no end-of-central-directory record)`;
  }
  // An S3 failure found before the read (HEAD) already names the URI.
  return message.startsWith(`${zipPath}: `) ? message : `${zipPath}: ${message}`;
}

/**
 * How entries are read: a batch at a time, `batchesInFlight` batches at once. On the main thread a batch
 * is one entry (async reads overlap one another); on workers a batch is many, so that messages are few.
 */
interface EntryReader {
  readonly batchEntries: number;
  /** Batches read at once: more as workers are added. */
  batchesInFlight(): number;
  read(entries: readonly CentralEntry[]): Promise<EntryOutcome[]>;
  close(): Promise<void>;
}

/** Read workers to start with, and at most (see read-pool-growth.ts). */
function readWorkersFor(options: ScanOptions, entryCount: number): { workers: number; maxWorkers: number } {
  if (options.workers !== undefined) {
    const workers = Math.min(MAX_READ_WORKERS, Math.max(0, Math.floor(options.workers)));
    return { workers, maxWorkers: workers };
  }
  if (entryCount < READ_WORKER_MIN_ENTRIES) return { workers: 0, maxWorkers: 0 };
  // The main thread has its own work (decoding headers, the ledger): it keeps a core of its own, unless
  // the workers turn out to be the limit (read-pool-growth.ts).
  const cores = availableParallelism();
  return { workers: Math.min(MAX_READ_WORKERS, Math.max(1, cores - 1)), maxWorkers: Math.min(MAX_READ_WORKERS, Math.max(1, cores)) };
}

/** Read workers for a whole run (see ScanOptions.readPool), as many as a large zip would get. */
export function startReadPool(options: { readonly verify: boolean; readonly workers?: number }): ReadPool {
  const { workers, maxWorkers } = readWorkersFor(options, READ_WORKER_MIN_ENTRIES);
  return new ReadPool({ verify: options.verify }, workers, maxWorkers);
}

/**
 * Entries per batch for a worker: READ_WORKER_BATCH_ENTRIES, but a zip of a few dozen entries (a run's
 * workers read small zips too) in about eight batches, so that the main thread starts on the first while
 * the worker reads the rest rather than wait for half the zip.
 */
function batchEntriesFor(entryCount: number): number {
  return Math.min(READ_WORKER_BATCH_ENTRIES, Math.max(4, Math.ceil(entryCount / 8)));
}

/** Entries read from `zip`, which the reader closes (and a pool of its own, not the run's). */
function openEntryReader(zip: ZipFile, zipPath: string, options: ScanOptions, { workers, maxWorkers }: { workers: number; maxWorkers: number }, entryCount: number): EntryReader {
  // One entry after another: a batch here is one entry, or a failed worker's batch, whose entries must
  // not all be held at once.
  const inProcess = async (entries: readonly CentralEntry[]): Promise<EntryOutcome[]> => {
    const outcomes: EntryOutcome[] = [];
    for (const entry of entries) outcomes.push(await readEntry(zip, zipPath, entry, options.verify));
    return outcomes;
  };
  if (workers === 0) {
    const concurrency = Math.min(MAX_SCAN_CONCURRENCY, Math.max(1, Math.floor(options.concurrency ?? DEFAULT_SCAN_CONCURRENCY)));
    return { batchEntries: 1, batchesInFlight: () => concurrency, read: inProcess, close: () => zip.close() };
  }
  const remote = isS3Uri(zipPath);
  const shared = options.readPool;
  const pool = shared ?? new ReadPool({ verify: options.verify }, workers, maxWorkers);
  return {
    batchEntries: batchEntriesFor(entryCount),
    batchesInFlight: () => pool.size * (remote ? REMOTE_READ_WORKER_BATCHES_IN_FLIGHT : READ_WORKER_BATCHES_IN_FLIGHT),
    // A worker that fails (could not start, ran out of memory) costs speed, not entries: read them here.
    read: (entries) => (remote ? readWindowed(zip, zipPath, pool, entries, inProcess) : pool.read(zipPath, entries)).catch(() => inProcess(entries)),
    close: async () => {
      if (shared === undefined) await pool.close();
      await zip.close();
    },
  };
}

/**
 * A remote zip's batch on a worker: the main thread fetches the bytes of the batch's entries (one slice,
 * through the S3 reader's blocks and read-ahead) and hands them over; the worker inflates and checks them
 * as it does a local file's. Workers never fetch themselves: each would fetch the same blocks again. A
 * batch too spread out to fetch as one slice, and any entry whose bytes reach outside it (a local header
 * longer than its central one), is read here instead.
 */
async function readWindowed(
  zip: ZipFile,
  zipPath: string,
  pool: ReadPool,
  entries: readonly CentralEntry[],
  inProcess: (entries: readonly CentralEntry[]) => Promise<EntryOutcome[]>,
): Promise<EntryOutcome[]> {
  const span = batchSpan(entries, zip.fileSize);
  if (span === undefined || span.end - span.start > MAX_WORKER_WINDOW_BYTES) return inProcess(entries);
  const { start, end } = span;
  const bytes = pool.windowBuffer(end - start);
  const got = await zip.read(bytes, start);
  const outcomes = await pool.read(zipPath, entries, { start, bytes: bytes.subarray(0, got), fileSize: zip.fileSize });
  return Promise.all(outcomes.map((outcome, i) => (!outcome.read.ok && outcome.read.error.endsWith(OUTSIDE_WINDOW) ? inProcess([entries[i]!]).then((o) => o[0]!) : outcome)));
}

/**
 * One pass over the central directory, names only, to find an export-job prefix shared by every entry.
 * `failure` is set when the walk broke off; `entryCount` says how many records it got through.
 */
async function findSharedRoot(
  zipPath: string,
  zip: ZipFile,
  signal: AbortSignal | undefined,
): Promise<{ root: string | undefined; failure?: unknown; entryCount: number }> {
  const finder = new SharedRootFinder();
  let entryCount = 0;
  try {
    for await (const entry of walkCentralDirectory(zipPath, zip)) {
      signal?.throwIfAborted();
      // The entries are read from here on, once this walk is done: a remote zip fetches meanwhile.
      if (entryCount === 0) zip.readAheadFrom?.(entry.localHeaderOffset);
      entryCount += 1;
      finder.add(entry.name);
    }
  } catch (failure) {
    signal?.throwIfAborted();
    // The names before a corrupt record are not all the names: no root can be said to be shared.
    return { root: undefined, failure, entryCount };
  }
  return { root: finder.root(), entryCount };
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
    crc32: entry.crc32,
    entryIndex: entry.index,
    location: { localHeaderOffset: entry.localHeaderOffset, compressedSize: entry.compressedSize, compressionMethod: entry.compressionMethod, flags: entry.flags },
  };
}

/**
 * Yields every file entry of the zip exactly once (directory entries are skipped), in central-directory
 * order, then an 'archive-error' if the central directory broke off. Entries are read ahead in batches
 * (see EntryReader), on worker threads for a large zip, and the next batch starts only when the consumer
 * has taken a result, so a slow consumer holds a bounded number of entries in memory. Central-directory
 * order (rather than completion order) keeps reports deterministic and costs little: entries are small
 * and alike. Bad entries become `read.ok = false`; only an unreadable archive (not a zip, no central
 * directory) or a corrupt central directory yields 'archive-error'. Throws only an AbortError when
 * `signal` fires, and SourceUnavailableError when the zip's bytes could not be had (see
 * source-unavailable.ts): then the zip is to be read again, not recorded as broken.
 *
 * The central directory is walked twice: once for names (the shared root), once to read; memory stays
 * constant in the number of entries.
 */
export async function* scanExport(zipPath: string, options: ScanOptions): AsyncGenerator<ScanItem> {
  const { signal } = options;
  signal?.throwIfAborted();

  // One open zip for the walk for names and the reads that follow it: what a remote zip fetches during
  // the walk (its central directory, the first blocks of entries) is there for the reads.
  let zip: ZipFile;
  try {
    zip = await openZipFile(zipPath, { blocking: false });
  } catch (error) {
    const unavailable = zipUnavailableIn(error, zipPath);
    if (unavailable) throw unavailable;
    yield { type: 'archive-error', zipPath, error: describeArchiveError(zipPath, error) };
    return;
  }
  let names: Awaited<ReturnType<typeof findSharedRoot>>;
  try {
    names = await findSharedRoot(zipPath, zip, signal);
  } catch (error) {
    await zip.close();
    throw error;
  }
  const unavailable = zipUnavailableIn(names.failure, zipPath);
  if (unavailable) {
    await zip.close();
    throw unavailable;
  }
  if (names.failure !== undefined && names.entryCount === 0) {
    await zip.close();
    yield { type: 'archive-error', zipPath, error: describeArchiveError(zipPath, names.failure) };
    return;
  }
  const sharedRoot = names.root;
  // The run's workers are started already: any zip is worth them.
  const reader = openEntryReader(zip, zipPath, options, readWorkersFor(options, options.readPool === undefined ? names.entryCount : READ_WORKER_MIN_ENTRIES), names.entryCount);

  const walker = walkCentralDirectory(zipPath);
  const inFlight: Promise<ScanItem[]>[] = [];
  let lastName: string | undefined;
  let walkError: unknown;
  let walkDone = false;
  /** The next batch of file entries from the walk; fewer than asked for (maybe none) at its end. */
  const nextBatch = async (): Promise<CentralEntry[]> => {
    const batch: CentralEntry[] = [];
    while (!walkDone && batch.length < reader.batchEntries) {
      let next: IteratorResult<CentralEntry>;
      try {
        next = await walker.next();
      } catch (error) {
        walkError = error;
        walkDone = true;
        break;
      }
      if (next.done) walkDone = true;
      else {
        lastName = next.value.name;
        if (!isDirectoryName(next.value.name)) batch.push(next.value);
      }
    }
    return batch;
  };
  try {
    for (;;) {
      signal?.throwIfAborted();
      while (!walkDone && inFlight.length < reader.batchesInFlight()) {
        const batch = await nextBatch();
        if (batch.length === 0) continue;
        const entries = batch.map((entry) => toSourceEntry(zipPath, entry, sharedRoot));
        const items = reader.read(batch).then((outcomes) => outcomes.map((outcome, i): ScanItem => ({ type: 'entry', entry: entries[i]!, ...outcome })));
        // A batch whose bytes could not be had rejects; it is awaited in its turn, this only keeps it from going unhandled meanwhile.
        items.catch(() => undefined);
        inFlight.push(items);
      }
      const first = inFlight.shift();
      if (first === undefined) break;
      for (const item of await first) {
        signal?.throwIfAborted();
        yield item;
      }
    }
    if (walkError !== undefined) {
      const unavailable = zipUnavailableIn(walkError, zipPath);
      if (unavailable) throw unavailable;
      const error = describeArchiveError(zipPath, walkError);
      const after = lastName === undefined ? '' : ` (after entry ${lastName})`;
      yield { type: 'archive-error', zipPath, error: `${error}${after}`, ...(lastName === undefined ? {} : { entryName: lastName }) };
    }
  } finally {
    await walker.return(undefined);
    await Promise.allSettled(inFlight);
    await reader.close();
  }
}
