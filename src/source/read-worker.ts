/**
 * A read worker (see read-pool.ts): reads batches of entries with the same readEntry the main thread uses,
 * but with blocking file reads, and sends back each entry's outcome (its header block, not its body),
 * flattened (read-batch-codec.ts). One worker serves every zip of a run: each job names its zip, and the
 * zip is opened on its first job and kept while jobs for it come.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { CentralEntry } from './central-directory.js';
import { decodeEntries, encodeOutcomes } from './read-batch-codec.js';
import type { ReadJob, ReadJobFailed, ReadJobRead, ReadWorkerData } from './read-pool.js';
import type { EntryOutcome } from './read-entry.js';
import { readEntry } from './read-entry.js';
import { batchSpan } from './batch-span.js';
import { OUTSIDE_WINDOW, windowZipFile } from './window-zip-file.js';
import type { ZipFile } from './zip-file.js';
import { openZipFile } from './zip-file.js';

const { verify } = workerData as ReadWorkerData;
const port = parentPort;
if (port === null) throw new Error('read-worker.ts runs only as a worker thread');

/**
 * Local zips kept open, the most recent last. A run reads its zips one after another, so the next zip's
 * first batches may come while the last ones of the one before are still here: two are enough.
 */
const KEPT_OPEN = 2;
const open = new Map<string, Promise<ZipFile>>();

async function localZip(zipPath: string): Promise<ZipFile> {
  let zip = open.get(zipPath);
  if (zip === undefined) {
    zip = openZipFile(zipPath, { blocking: true });
    // A zip that cannot be opened fails this job alone; the next job for it tries again.
    zip.catch(() => open.delete(zipPath));
    while (open.size >= KEPT_OPEN) {
      const [oldest, closing] = open.entries().next().value as [string, Promise<ZipFile>];
      open.delete(oldest);
      void closing.then((z) => z.close()).catch(() => undefined);
    }
  } else open.delete(zipPath);
  open.set(zipPath, zip);
  return zip;
}

/**
 * The largest slice of a local zip read in one go for a batch. Small mail lies side by side in the file:
 * one read for the batch saves one or two system calls and buffers per entry. A batch spread wider (large
 * attachments) is read entry by entry.
 */
const MAX_LOCAL_WINDOW_BYTES = 2 * 1024 * 1024;
/** Reused from batch to batch: nothing read from a window outlives its batch (header blocks are copied). */
let windowBuffer = Buffer.allocUnsafeSlow(0);

/** A local zip's batch as one slice of the file, or the file itself when the batch is spread too wide. */
function localWindow(zip: ZipFile, entries: readonly CentralEntry[]): ZipFile {
  const span = batchSpan(entries, zip.fileSize);
  if (span === undefined || span.end - span.start > MAX_LOCAL_WINDOW_BYTES || zip.readSync === undefined) return zip;
  if (windowBuffer.length < span.end - span.start) windowBuffer = Buffer.allocUnsafeSlow(MAX_LOCAL_WINDOW_BYTES);
  const got = zip.readSync(windowBuffer.subarray(0, span.end - span.start), span.start);
  return windowZipFile({ start: span.start, bytes: windowBuffer.subarray(0, got), fileSize: zip.fileSize });
}

/** `local` is the whole file of a local zip, for the entries whose bytes reach past the slice `zip`. */
async function readBatch(zipPath: string, zip: ZipFile, local: ZipFile | undefined, entries: readonly CentralEntry[]): Promise<EntryOutcome[]> {
  const outcomes: EntryOutcome[] = [];
  // One entry at a time: a worker's memory is one entry, and blocking reads leave nothing to overlap.
  for (const entry of entries) {
    let outcome = await readEntry(zip, zipPath, entry, verify);
    // An entry whose bytes reach past the slice (a local header longer than its central one): from the file.
    if (!outcome.read.ok && outcome.read.error.endsWith(OUTSIDE_WINDOW) && local !== undefined && zip !== local) outcome = await readEntry(local, zipPath, entry, verify);
    outcomes.push(outcome);
  }
  return outcomes;
}

async function runJob(job: ReadJob): Promise<ReadJobRead> {
  const started = performance.now();
  const entries = decodeEntries(job.entries);
  // A remote zip's job brings its bytes (the worker makes no requests); a local zip is read here.
  const local = job.window === undefined ? await localZip(job.zipPath) : undefined;
  const zip = job.window !== undefined ? windowZipFile(job.window) : localWindow(local!, entries);
  const outcomes = encodeOutcomes(await readBatch(job.zipPath, zip, local, entries));
  // Nothing read from the window outlives the batch (the header blocks are copied into outcomes.heads):
  // its memory goes back to the pool for the next window.
  const window = job.window?.bytes.buffer as ArrayBuffer | undefined;
  return { id: job.id, outcomes, busyMs: performance.now() - started, ...(window === undefined ? {} : { window }) };
}

port.on('message', (job: ReadJob) => {
  runJob(job).then(
    (done) => port.postMessage(done, done.window === undefined ? [done.outcomes.heads] : [done.outcomes.heads, done.window]),
    (error: unknown) => port.postMessage({ id: job.id, error: (error as Error).message ?? String(error) } satisfies ReadJobFailed),
  );
});
