/**
 * A read worker (see read-pool.ts): reads batches of one zip's entries with the same readEntry the main
 * thread uses, but with blocking file reads, and sends back each entry's outcome (its header block, not
 * its body).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ReadJob, ReadJobDone, ReadWorkerData } from './read-pool.js';
import type { EntryOutcome } from './read-entry.js';
import { readEntry } from './read-entry.js';
import { windowZipFile } from './window-zip-file.js';
import { openZipFile } from './zip-file.js';

const { zipPath, verify, windowed } = workerData as ReadWorkerData;
const port = parentPort;
if (port === null) throw new Error('read-worker.ts runs only as a worker thread');
const local = windowed === true ? undefined : await openZipFile(zipPath, { blocking: true });

/**
 * The batch's header blocks copied into one buffer that is handed over, not copied: posting each block
 * by itself would copy, for every small one, the whole 8 KiB pool slab it lives in.
 */
function packHeads(outcomes: EntryOutcome[]): { outcomes: EntryOutcome[]; packed: ArrayBuffer } {
  let bytes = 0;
  for (const outcome of outcomes) if (outcome.read.ok) bytes += outcome.read.head.length;
  const packed = Buffer.allocUnsafeSlow(bytes);
  let at = 0;
  const repacked = outcomes.map((outcome): EntryOutcome => {
    if (!outcome.read.ok) return outcome;
    const head = packed.subarray(at, at + outcome.read.head.copy(packed, at));
    at += head.length;
    return { ...outcome, read: { ...outcome.read, head } };
  });
  return { outcomes: repacked, packed: packed.buffer };
}

port.on('message', (job: ReadJob) => {
  void (async () => {
    const outcomes: EntryOutcome[] = [];
    const zip = job.window === undefined ? local : windowZipFile(job.window);
    if (zip === undefined) throw new Error('a windowed read worker got a job without its bytes');
    // One entry at a time: a worker's memory is one entry, and blocking reads leave nothing to overlap.
    for (const entry of job.entries) outcomes.push(await readEntry(zip, zipPath, entry, verify));
    const { outcomes: repacked, packed } = packHeads(outcomes);
    port.postMessage({ id: job.id, outcomes: repacked } satisfies ReadJobDone, [packed]);
  })();
});
