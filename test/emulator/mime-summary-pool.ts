/**
 * MIME parsing on worker threads, for an emulator that has to keep up with an estate-sized import on a
 * small machine (bench:estate). Parsing every created message with mailparser is about a quarter of the
 * emulator's CPU there, on the thread that also answers every request: at 32 mailboxes that thread, not
 * the importer, set the pace. The summaries are the same ones summariseMime makes on the server's thread.
 */
import { Worker } from 'node:worker_threads';
import { summariseMime, type MimeSummary } from './mime-summary.js';
import type { SummaryJob } from './mime-summary-worker.js';

type Answer = { readonly id: number; readonly summary: MimeSummary } | { readonly id: number; readonly error: string };

interface Waiting {
  readonly resolve: (summary: MimeSummary) => void;
  readonly reject: (error: Error) => void;
}

/** Worker threads do not inherit tsx's loader hooks: the TypeScript worker registers tsx itself. */
function startWorker(): Worker {
  const script = JSON.stringify(new URL('./mime-summary-worker.ts', import.meta.url).href);
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  return new Worker(`import(${tsx}).then(({ register }) => { register(); return import(${script}); });`, { eval: true });
}

/** Structured cloning hands Buffers back as plain Uint8Arrays. */
function withBuffers(summary: MimeSummary): MimeSummary {
  return {
    ...summary,
    attachments: summary.attachments.map((a) => ({ ...a, content: Buffer.from(a.content.buffer, a.content.byteOffset, a.content.byteLength) })),
  };
}

export class MimeSummaryPool {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 0;

  constructor(threads: number) {
    for (let i = 0; i < threads; i++) {
      const worker = startWorker();
      worker.on('message', (answer: Answer) => {
        const waiting = this.waiting.get(answer.id);
        this.waiting.delete(answer.id);
        if ('error' in answer) waiting?.reject(new Error(answer.error));
        else waiting?.resolve(withBuffers(answer.summary));
      });
      worker.on('error', (error) => {
        for (const waiting of this.waiting.values()) waiting.reject(error);
        this.waiting.clear();
      });
      worker.unref();
      this.workers.push(worker);
    }
  }

  summarise(mime: Buffer): Promise<MimeSummary> {
    const id = this.nextId++;
    const worker = this.workers[id % this.workers.length];
    if (worker === undefined) return summariseMime(mime);
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, mime } satisfies SummaryJob);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
