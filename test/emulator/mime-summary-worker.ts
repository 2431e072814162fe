/** A worker thread of MimeSummaryPool: summarises the MIME it is sent, one message at a time. */
import { parentPort } from 'node:worker_threads';
import { summariseMime } from './mime-summary.js';

export interface SummaryJob {
  readonly id: number;
  readonly mime: Uint8Array;
}

parentPort?.on('message', (job: SummaryJob) => {
  summariseMime(Buffer.from(job.mime.buffer, job.mime.byteOffset, job.mime.byteLength)).then(
    (summary) => parentPort?.postMessage({ id: job.id, summary }),
    (error: unknown) => parentPort?.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
