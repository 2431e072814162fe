import PQueue from 'p-queue';
import { scanZips, type ScanOptions, type ZipToScan } from './scan.js';
import type { Ledger, ZipRecord } from '../../ledger/ledger.js';
import type { Stats } from '../../accounting/stats.js';
import { allowListeners } from '../io.js';

export interface ScannedAndWorked<T> {
  /** The zips reached, in the order given. */
  readonly records: ZipRecord[];
  /** What `work` gave for each mailbox, by mailbox. */
  readonly results: ReadonlyMap<string, T>;
}

/**
 * Reads the zips a mailbox at a time, largest mailbox first, and runs `work` on each mailbox as soon as
 * its zips are read and its duplicates decided, `at.parallel` mailboxes at a time, while the scan goes on
 * with the next. Reading a shard of 128 mailboxes of 10 GB takes about an hour on two cores: scanning
 * everything first made that hour dead time for Graph, and the largest mailbox, which sets the run's
 * wall-clock time, waited for all of it.
 *
 * The scan and the work fail together (a ledger whose disk is full fails both, and neither should go on
 * alone): the first error is thrown once everything under way has stopped, never left unhandled. `work`
 * gets a signal that says so, as well as the caller's stop (Ctrl-C). Every zip needs a mailbox.
 */
export async function eachMailboxAsScanned<T>(
  zips: readonly ZipToScan[],
  ledger: Ledger,
  stats: Stats,
  scan: ScanOptions,
  at: { readonly parallel: number; /** What the progress display says once every zip is read. */ readonly phaseAfterScan: string },
  log: (line: string) => void,
  work: (mailbox: string, zips: readonly ZipRecord[], signal: AbortSignal) => Promise<T>,
): Promise<ScannedAndWorked<T>> {
  const stop = new AbortController();
  const signal = scan.signal ? AbortSignal.any([scan.signal, stop.signal]) : stop.signal;
  allowListeners(signal, at.parallel);
  let failure: { readonly error: unknown } | null = null;
  const fail = (error: unknown): void => {
    failure ??= { error };
    stop.abort();
  };
  const queue = new PQueue({ concurrency: at.parallel });
  const results = new Map<string, T>();
  const started: Promise<void>[] = [];
  let records: ZipRecord[] = [];
  try {
    records = await scanZips(zips, ledger, stats, { ...scan, signal }, log, (scanned) => {
      const mailbox = scanned[0]?.mailbox;
      if (mailbox == null) throw new Error(`${scanned[0]?.path ?? 'a zip'}: no mailbox to work on`);
      const done = queue.add(async () => {
        if (!signal.aborted) results.set(mailbox, await work(mailbox, scanned, signal));
      });
      started.push(done.catch(fail));
    });
    if (!signal.aborted) stats.phase = at.phaseAfterScan;
  } catch (error) {
    fail(error);
  }
  await Promise.all(started);
  if (failure !== null) throw (failure as { readonly error: unknown }).error;
  return { records, results };
}
