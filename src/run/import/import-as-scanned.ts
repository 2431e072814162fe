import PQueue from 'p-queue';
import { scanZips, type ScanOptions, type ZipToScan } from '../scan/scan.js';
import { allowListeners, importOneMailbox, joinStops, type ImportMailboxesOptions, type TenantChecks } from './import-mailboxes.js';
import type { Connection } from '../connect.js';
import type { Ledger, ZipRecord } from '../../ledger/ledger.js';
import type { Stats } from '../../accounting/stats.js';
import { mailboxesOf } from '../mailboxes-of.js';

export interface ScannedAndImported {
  /** The zips reached, in the order given. */
  readonly records: ZipRecord[];
  /** The sentences that stopped the run, or null when none did. */
  readonly fatal: string | null;
}

/**
 * The import with a tenant: each mailbox is imported as soon as its own zips are read and its duplicates
 * decided, `parallel` mailboxes at a time, while the scan goes on with the next (largest first). Reading a
 * shard of 128 mailboxes of 10 GB takes about an hour on two cores; scanning everything before the first
 * upload made that hour dead time, and the largest mailbox, which sets the wall-clock time, waited for it.
 * Uploads are bound by Graph's limits, not by this machine, so the scan costs them little.
 */
export async function importAsScanned(
  zips: readonly ZipToScan[],
  ledger: Ledger,
  stats: Stats,
  connection: Connection,
  checks: TenantChecks,
  scan: ScanOptions,
  options: ImportMailboxesOptions,
  log: (line: string) => void,
): Promise<ScannedAndImported> {
  if (checks.stop !== null) return { records: [], fatal: checks.stop };
  stats.mailboxesTotal = mailboxesOf(zips).filter((m) => !checks.missing.has(m)).length;
  // The scan and the imports fail together: a ledger whose disk is full fails both, and neither should go on
  // alone. The first error is thrown once everything under way has stopped, never left unhandled.
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  let failure: { readonly error: unknown } | null = null;
  const fail = (error: unknown): null => {
    failure ??= { error };
    stop.abort();
    return null;
  };
  const importing = { ...options, signal };
  allowListeners(importing);
  const queue = new PQueue({ concurrency: options.parallel });
  const imports: Promise<string | null | void>[] = [];
  let records: ZipRecord[] = [];
  try {
    records = await scanZips(zips, ledger, stats, { ...scan, signal }, log, (scanned) => {
      const mailbox = scanned[0]?.mailbox;
      if (mailbox == null) return;
      imports.push(queue.add(() => importOneMailbox(mailbox, scanned, ledger, stats, connection, importing, log, checks)).catch(fail));
    });
  } catch (error) {
    fail(error);
  }
  const stops = await Promise.all(imports);
  if (failure !== null) throw (failure as { readonly error: unknown }).error;
  if (!signal.aborted) stats.phase = options.dryRun ? 'checking destination' : 'importing';
  return { records, fatal: joinStops(stops) };
}
