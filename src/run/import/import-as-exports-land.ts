import PQueue from 'p-queue';
import { awaitExports, type AwaitedRow, type NotLandedCause, type WaitOptions, type WaitSources } from '../../export/wait-for-exports.js';
import type { ExportJobRow } from '../../export/job-store.js';

export interface NotLanded {
  readonly row: AwaitedRow;
  readonly reason: string;
  readonly job: ExportJobRow | null;
  readonly cause: NotLandedCause;
}

export interface ExportsLanded {
  /** Rows handed to the import, in the order their exports landed. */
  readonly landed: readonly AwaitedRow[];
  /** Rows whose export will not come, with the reason (WorkMail's ErrorInfo for a failed job) and the job's record. */
  readonly failed: readonly NotLanded[];
}

/**
 * The pipelined migration: imports each map row as soon as its export is in S3 instead of after the last
 * export job, `parallel` rows at a time while the rest are still awaited. Rows for one mailbox are imported
 * one after the other, never side by side, since they share its folders and its Graph limits. An import
 * that fails, or whose `importRow` answers 'stop' (it stopped the run: a permission withdrawn), ends the wait.
 */
export async function importAsExportsLand(
  rows: readonly AwaitedRow[],
  sources: WaitSources,
  wait: WaitOptions,
  parallel: number,
  importRow: (row: AwaitedRow) => Promise<void | 'stop'>,
  log: (line: string) => void,
): Promise<ExportsLanded> {
  const queue = new PQueue({ concurrency: parallel });
  const perMailbox = new Map<string, Promise<void>>();
  const started: Promise<void>[] = [];
  const landed: AwaitedRow[] = [];
  const failed: NotLanded[] = [];
  // An import that fails (the ledger's disk is full) or stops the run ends the waiting: the exports still to
  // come could not be imported either, and the run would otherwise wait hours for them before saying why.
  const stop = new AbortController();
  const signal = wait.signal === undefined ? stop.signal : AbortSignal.any([wait.signal, stop.signal]);
  for await (const arrival of awaitExports(rows, sources, { ...wait, signal })) {
    if (arrival.kind === 'failed') {
      failed.push({ row: arrival.row, reason: arrival.reason, job: arrival.job, cause: arrival.cause });
      log(`${arrival.row.mailbox}: not imported: ${arrival.reason}`);
      continue;
    }
    landed.push(arrival.row);
    const key = arrival.row.mailbox.toLowerCase();
    const previous = perMailbox.get(key) ?? Promise.resolve();
    const next = previous.then(() => queue.add(() => importRow(arrival.row))).then((outcome) => {
      if (outcome === 'stop') stop.abort();
    });
    perMailbox.set(key, next.catch(() => stop.abort()));
    started.push(next);
  }
  await Promise.all(started);
  return { landed, failed };
}
