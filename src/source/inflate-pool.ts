/**
 * Inflating and CRC-checking entries on worker threads. zlib's async API looks parallel but keeps the
 * main thread about as busy as inflating synchronously (its stream machinery makes a threadpool round
 * trip per 16 KiB of output: measured 600-1,100 ms of main-thread time per 239 MB, against 1,180 ms for
 * inflateRawSync). The main thread is needed for reading and for parsing headers, so the whole inflate
 * and the CRC-32 go to workers, and only the size, the CRC and the first bytes come back.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** How much of the inflated entry comes back: the header block is nearly always far shorter. */
export const WORKER_HEAD_WINDOW_BYTES = 64 * 1024;

/** Workers at most: inflate scales with cores, but beyond a few the reads and the parsing are the limit. */
const MAX_WORKERS = 4;

// Plain JavaScript, run with `eval`, so that it works the same from sources (tsx, vitest) and from dist.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const zlib = require('node:zlib');
parentPort.on('message', (job) => {
  try {
    const raw = Buffer.from(job.compressed.buffer, job.compressed.byteOffset, job.compressed.byteLength);
    const data = job.method === 8 ? zlib.inflateRawSync(raw, { maxOutputLength: Math.max(1, job.declaredSize) }) : raw;
    const head = new Uint8Array(Math.min(data.length, job.headWindow));
    head.set(data.subarray(0, head.length));
    parentPort.postMessage({ id: job.id, size: data.length, crc: zlib.crc32(data), head }, [head.buffer]);
  } catch (error) {
    parentPort.postMessage({ id: job.id, error: String(error && error.message), code: error && error.code });
  }
});
`;

export interface InflateOutcome {
  /** Bytes after inflating. */
  readonly size: number;
  readonly crc: number;
  /** The first WORKER_HEAD_WINDOW_BYTES (or all) of the inflated entry. */
  readonly head: Buffer;
}

/** A failure inside the worker; `tooLarge` when the output passed the declared size. */
export class InflateError extends Error {
  constructor(
    message: string,
    readonly tooLarge: boolean,
  ) {
    super(message);
  }
}

interface Pending {
  readonly resolve: (outcome: InflateOutcome) => void;
  readonly reject: (error: Error) => void;
}

interface WorkerMessage {
  readonly id: number;
  readonly size?: number;
  readonly crc?: number;
  readonly head?: Uint8Array;
  readonly error?: string;
  readonly code?: string;
}

interface Job {
  readonly id: number;
  readonly method: number;
  readonly compressed: Uint8Array;
  readonly declaredSize: number;
  readonly headWindow: number;
}

export class InflatePool {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly queue: Job[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly busy = new Map<Worker, number>();
  private nextId = 0;
  private closed = false;
  private readonly size: number;

  /** `size` workers at most (default one per core), never more than MAX_WORKERS. */
  constructor(size = availableParallelism()) {
    this.size = Math.max(1, Math.min(MAX_WORKERS, size));
  }

  /** Inflates (method 8) or passes through (method 0) `compressed`, on a worker. */
  inflate(method: number, compressed: Buffer, declaredSize: number): Promise<InflateOutcome> {
    if (this.closed) return Promise.reject(new Error('inflate pool is closed'));
    const id = this.nextId++;
    return new Promise<InflateOutcome>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.queue.push({ id, method, compressed, declaredSize, headWindow: WORKER_HEAD_WINDOW_BYTES });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const { reject } of this.pending.values()) reject(new Error('inflate pool closed'));
    this.pending.clear();
    await Promise.all(this.all.map((worker) => worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const worker = this.idle.pop() ?? this.spawn();
      if (worker === undefined) return;
      const job = this.queue.shift() as Job;
      this.busy.set(worker, job.id);
      // Keep the process alive only while a worker has work: an abandoned scan must not hang it.
      worker.ref();
      worker.postMessage(job);
    }
  }

  private spawn(): Worker | undefined {
    if (this.all.length >= this.size) return undefined;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    this.all.push(worker);
    worker.on('message', (message: WorkerMessage) => this.settle(worker, message));
    worker.on('error', (error) => this.fail(worker, error));
    worker.on('exit', (code) => {
      if (!this.closed) this.fail(worker, new Error(`inflate worker exited with code ${code}`));
    });
    return worker;
  }

  private settle(worker: Worker, message: WorkerMessage): void {
    this.busy.delete(worker);
    worker.unref();
    this.idle.push(worker);
    const pending = this.pending.get(message.id);
    this.pending.delete(message.id);
    if (pending) {
      if (message.error !== undefined) pending.reject(new InflateError(message.error, message.code === 'ERR_BUFFER_TOO_LARGE'));
      else {
        const head = message.head ?? new Uint8Array(0);
        pending.resolve({ size: message.size ?? 0, crc: message.crc ?? 0, head: Buffer.from(head.buffer, head.byteOffset, head.byteLength) });
      }
    }
    this.dispatch();
  }

  private fail(worker: Worker, error: Error): void {
    const id = this.busy.get(worker);
    this.busy.delete(worker);
    const index = this.all.indexOf(worker);
    if (index !== -1) this.all.splice(index, 1);
    const idleIndex = this.idle.indexOf(worker);
    if (idleIndex !== -1) this.idle.splice(idleIndex, 1);
    if (id !== undefined) {
      this.pending.get(id)?.reject(error);
      this.pending.delete(id);
    }
    if (!this.closed) this.dispatch();
  }
}
