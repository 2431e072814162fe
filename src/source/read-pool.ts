/**
 * Reading entries on worker threads, so that the main thread is left with what only it can do (decoding
 * headers, the ledger). A worker does the whole of readEntry: the reads, the inflate, the CRC-32, finding
 * the header block and sniffing it; only the outcomes come back. Entries go in batches, because a message
 * between threads costs tens of microseconds: one per entry cost about as much CPU as the inflate it
 * moved (measured 120 µs per entry when each entry's compressed bytes were posted to a worker).
 */
import { Worker } from 'node:worker_threads';
import type { CentralEntry } from './central-directory.js';
import type { EntryOutcome } from './read-entry.js';
import type { ZipWindow } from './window-zip-file.js';
import type { EncodedEntries, EncodedOutcomes } from './read-batch-codec.js';
import { decodeOutcomes, encodeEntries } from './read-batch-codec.js';
import { PoolGrowth } from './read-pool-growth.js';

export interface ReadWorkerData {
  readonly verify: boolean;
}

export interface ReadJob {
  readonly id: number;
  /** The zip the entries are of: a local one is opened by the worker, a remote one comes as `window`. */
  readonly zipPath: string;
  readonly entries: EncodedEntries;
  /** The bytes of the entries of a remote zip (the worker makes no requests of its own). */
  readonly window?: ZipWindow;
}

export interface ReadJobRead {
  readonly id: number;
  readonly outcomes: EncodedOutcomes;
  /** Milliseconds the worker spent on the job (see read-pool-growth.ts). */
  readonly busyMs: number;
  /** The job's window memory, handed back for the next window (ReadPool.windowBuffer). */
  readonly window?: ArrayBuffer;
}

/** A job the worker could not do at all (its zip could not be opened); the worker goes on with the next. */
export interface ReadJobFailed {
  readonly id: number;
  readonly error: string;
}

export type ReadJobDone = ReadJobRead | ReadJobFailed;

/**
 * A worker's young generation. Its live objects are a few entries' worth; V8's default (16 MB semi-spaces)
 * only lets dead buffers pile up: peak RSS of a 50,000-entry verifying scan with two workers went from
 * 245-250 MB to 205-208 MB with 1 MB, at the same speed.
 */
const WORKER_YOUNG_GENERATION_MB = 1;

/**
 * Batches queued on one worker at most, of the READ_WORKER_BATCHES_IN_FLIGHT a scan keeps per worker: two
 * (one being read, the next ready) left the worker idle through the main thread's bursts.
 */
const BATCHES_PER_WORKER = 4;

/**
 * Window memory handed back by workers and kept for the next windows, at most this many. A fresh buffer
 * per window (about 1 MB a batch of an S3 zip) meant a page fault per 4 KiB on the main thread: a third of
 * a verifying S3 scan's page faults, and about 0.4 s of its system CPU on the 50,000-message export.
 */
const SPARE_WINDOWS = 4;
/** Window buffers are allocated in steps of this, so that a spare fits most later windows. */
const WINDOW_STEP_BYTES = 1024 * 1024;

interface Job {
  readonly id: number;
  readonly zipPath: string;
  readonly entries: readonly CentralEntry[];
  readonly window?: ZipWindow;
  readonly resolve: (outcomes: EntryOutcome[]) => void;
  readonly reject: (error: Error) => void;
}

interface Slot {
  readonly worker: Worker;
  readonly jobs: Map<number, Job>;
}

/**
 * Starts a read worker. The compiled worker is read-worker.js beside this file. From the TypeScript
 * sources (tests, tsx) the worker is TypeScript too, and a worker thread on Node 20 does not inherit the
 * parent's loader hooks, so it registers tsx (a dev dependency) itself before importing the worker.
 */
function startReadWorker(data: ReadWorkerData): Worker {
  const options = { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./read-worker.js', import.meta.url), options);
  const script = JSON.stringify(new URL('./read-worker.ts', import.meta.url).href);
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const boot = `import(${tsx}).then(({ register }) => { register(); return import(${script}); });`;
  return new Worker(boot, { ...options, eval: true });
}

/**
 * Worker threads reading entries in batches, of one zip or, kept for a whole run, of every zip in turn:
 * a run of a thousand small mailboxes then pays for starting them once, not read each zip on the main
 * thread. A batch whose worker fails, or whose zip the worker cannot open, is rejected.
 */
export class ReadPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 0;
  private started = 0;
  private closed = false;

  /** Batches the workers have read so far. */
  batchesRead = 0;

  private readonly growth = new PoolGrowth();
  private readonly spareWindows: ArrayBuffer[] = [];

  /** `workers` to start with, up to `maxWorkers` when they turn out to be the limit (see PoolGrowth). */
  constructor(
    private readonly data: ReadWorkerData,
    private workers: number,
    private readonly maxWorkers = workers,
  ) {}

  /** Workers the pool may run (some may not have started yet, or have failed). */
  get size(): number {
    return this.workers;
  }

  /**
   * The outcomes of `entries` of the zip at `zipPath`, in their order. For a remote zip, `window` holds
   * their bytes (handed over, not copied); a local zip is read by the worker.
   */
  read(zipPath: string, entries: readonly CentralEntry[], window?: ZipWindow): Promise<EntryOutcome[]> {
    if (this.closed) return Promise.reject(new Error('read pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, zipPath, entries, ...(window === undefined ? {} : { window }), resolve, reject });
      this.dispatch();
    });
  }

  /**
   * Memory for a window of `bytes` bytes (handed over with read(), so never written again here): one a
   * worker gave back when one is large enough, else a new one.
   */
  windowBuffer(bytes: number): Buffer {
    const spare = this.spareWindows.findIndex((buffer) => buffer.byteLength >= bytes);
    const memory = spare === -1 ? new ArrayBuffer(Math.ceil(bytes / WINDOW_STEP_BYTES) * WINDOW_STEP_BYTES) : this.spareWindows.splice(spare, 1)[0]!;
    return Buffer.from(memory, 0, bytes);
  }

  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots.splice(0);
    for (const slot of slots) this.failJobs(slot, new Error('read pool closed'));
    for (const job of this.queue.splice(0)) job.reject(new Error('read pool closed'));
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  private dispatch(): void {
    if (this.slots.length === 0 && this.started >= this.workers) {
      // Every worker has failed, and none is started again: say so rather than leave the jobs waiting.
      for (const job of this.queue.splice(0)) job.reject(new Error('no read worker is left'));
      return;
    }
    while (this.queue.length > 0) {
      const slot = this.leastBusy();
      if (slot === undefined) return;
      const job = this.queue.shift() as Job;
      slot.jobs.set(job.id, job);
      // Only a worker with work keeps the process alive: an abandoned scan must not hang it.
      slot.worker.ref();
      const message: ReadJob = { id: job.id, zipPath: job.zipPath, entries: encodeEntries(job.entries), ...(job.window === undefined ? {} : { window: job.window }) };
      const transfer = [message.entries.numbers.buffer as ArrayBuffer, ...(job.window === undefined ? [] : [job.window.bytes.buffer as ArrayBuffer])];
      slot.worker.postMessage(message, transfer);
    }
  }

  /** The slot with the fewest jobs that can take another, starting a worker while there are fewer than `size`. */
  private leastBusy(): Slot | undefined {
    let best: Slot | undefined;
    for (const slot of this.slots) if (slot.jobs.size < BATCHES_PER_WORKER && (best === undefined || slot.jobs.size < best.jobs.size)) best = slot;
    // A worker that failed is not replaced: whatever broke it would likely break the next one too.
    if ((best === undefined || best.jobs.size > 0) && this.started < this.workers) return this.spawn();
    return best;
  }

  private spawn(): Slot {
    this.started += 1;
    const slot: Slot = { worker: startReadWorker(this.data), jobs: new Map() };
    this.slots.push(slot);
    slot.worker.on('message', (done: ReadJobDone) => this.settle(slot, done));
    slot.worker.on('error', (error) => this.retire(slot, error));
    slot.worker.on('exit', (code) => this.retire(slot, new Error(`read worker exited with code ${code}`)));
    return slot;
  }

  private settle(slot: Slot, done: ReadJobDone): void {
    const job = slot.jobs.get(done.id);
    slot.jobs.delete(done.id);
    if (slot.jobs.size === 0) slot.worker.unref();
    if ('error' in done) job?.reject(new Error(done.error));
    else {
      // Another worker starts with the next batch there is for it.
      const read = { busyMs: done.busyMs, nowMs: performance.now(), mainActiveMs: performance.eventLoopUtilization().active, workers: this.slots.length };
      if (this.growth.read(read) && this.workers < this.maxWorkers) this.workers += 1;
      if (done.window !== undefined && this.spareWindows.length < SPARE_WINDOWS) this.spareWindows.push(done.window);
      this.batchesRead += 1;
      job?.resolve(decodeOutcomes(done.outcomes));
    }
    this.dispatch();
  }

  /** A worker that failed or exited takes no more jobs; the ones it held are rejected. */
  private retire(slot: Slot, error: Error): void {
    const index = this.slots.indexOf(slot);
    if (index === -1) return;
    this.slots.splice(index, 1);
    this.failJobs(slot, error);
    void slot.worker.terminate();
    if (!this.closed) this.dispatch();
  }

  private failJobs(slot: Slot, error: Error): void {
    for (const job of slot.jobs.values()) job.reject(error);
    slot.jobs.clear();
  }
}
