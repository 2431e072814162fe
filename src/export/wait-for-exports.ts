import type { ExportJobRow } from './job-store.js';

/** A row of the import's map: a zip (local path or s3:// URI) and the mailbox it goes to. */
export interface AwaitedRow {
  readonly zip: string;
  readonly mailbox: string;
}

export type Arrival =
  /** The zip is there (a local path, or the S3 object exists): its mailbox can be imported now. */
  | { readonly kind: 'ready'; readonly row: AwaitedRow }
  /** It will not come: its export job failed or was cancelled, or nothing writes it. `job` is its record, if any. */
  | { readonly kind: 'failed'; readonly row: AwaitedRow; readonly reason: string; readonly job: ExportJobRow | null; readonly cause: NotLandedCause };

/**
 * Why a row's zip will not come: its job ended without it (failed, cancelled, refused), S3 cannot be
 * asked (access, network), no recorded job writes it, or a completed job's object is not there.
 */
export type NotLandedCause = 'job-ended' | 'cannot-check' | 'no-job' | 'not-written';

export interface WaitSources {
  /** The newest recorded export job writing this URI (exports.db's latestForUri), read fresh each time. */
  jobForUri(uri: string): ExportJobRow | null;
  /** HeadObject: true when the object exists. */
  exists(uri: string): Promise<boolean>;
}

export interface WaitOptions {
  /** First pause between checks; it grows by half after each round in which nothing arrived, up to maxPollMs. */
  readonly pollMs: number;
  readonly maxPollMs: number;
  readonly signal?: AbortSignal;
  /** Called after each round with the rows still awaited, for progress ("waiting for 7 exports"). */
  readonly onWaiting?: (pending: readonly AwaitedRow[], jobs: readonly (ExportJobRow | null)[]) => void;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Yields each map row as soon as its zip can be read, so the import starts a mailbox when its export
 * lands rather than after the last one. The record (kept current by `eml-import export`, running
 * alongside) says when to stop waiting: a failed, cancelled or refused job is reported at once with
 * WorkMail's ErrorInfo. Otherwise an S3 object appears whole (a PUT or a completed multipart upload), so
 * its existence means the export is written, even when the record still says RUNNING. A missing object
 * that no recorded job writes, or that a completed job should have written, is reported at once.
 * Local paths are ready at once. Stops early, quietly, when the signal aborts.
 */
export async function* awaitExports(rows: readonly AwaitedRow[], sources: WaitSources, options: WaitOptions): AsyncGenerator<Arrival> {
  const seen = new Set<string>();
  let pending = rows.filter((row) => {
    const key = `${row.zip}\n${row.mailbox.toLowerCase()}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  let interval = options.pollMs;
  while (pending.length > 0 && !options.signal?.aborted) {
    const still: AwaitedRow[] = [];
    const jobs: (ExportJobRow | null)[] = [];
    let arrived = false;
    for (const row of pending) {
      if (options.signal?.aborted) return;
      if (!row.zip.startsWith('s3://')) {
        arrived = true;
        yield { kind: 'ready', row };
        continue;
      }
      const job = sources.jobForUri(row.zip);
      if (job !== null && (job.state === 'FAILED' || job.state === 'CANCELLED' || job.state === 'REFUSED')) {
        // The object is named after the job, so a failed job's object never appears: no request needed.
        arrived = true;
        yield { kind: 'failed', row, job, cause: 'job-ended', reason: `export job ${job.jobId ?? '(not started)'} for ${job.email} ${job.state.toLowerCase()}: ${job.errorInfo ?? 'WorkMail gave no ErrorInfo'}` };
        continue;
      }
      let exists: boolean;
      try {
        exists = await sources.exists(row.zip);
      } catch (error) {
        arrived = true;
        yield { kind: 'failed', row, job, cause: 'cannot-check', reason: `cannot check ${row.zip}: ${(error as Error).message}` };
        continue;
      }
      if (exists) {
        arrived = true;
        yield { kind: 'ready', row };
      } else if (job === null) {
        arrived = true;
        yield { kind: 'failed', row, job, cause: 'no-job', reason: `${row.zip} does not exist and no recorded export job writes it` };
      } else if (job.state === 'COMPLETED') {
        // S3 reads are strongly consistent: a finished job's object is visible at once, or it is not where S3Path said.
        arrived = true;
        yield { kind: 'failed', row, job, cause: 'not-written', reason: `export job ${job.jobId ?? ''} for ${job.email} completed, but ${row.zip} does not exist (WorkMail's S3Path: ${job.s3Path ?? 'none'})` };
      } else {
        // RUNNING or REQUESTED: keep waiting.
        still.push(row);
        jobs.push(job);
      }
    }
    pending = still;
    if (pending.length === 0) return;
    options.onWaiting?.(pending, jobs);
    interval = arrived ? options.pollMs : Math.min(interval * 1.5, options.maxPollMs);
    await sleep(interval, options.signal);
  }
}
