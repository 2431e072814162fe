import { eachMailboxAsScanned } from '../scan/each-mailbox-as-scanned.js';
import type { ScanOptions, ZipToScan } from '../scan/scan.js';
import { importOneMailbox, joinStops, type ImportMailboxesOptions, type TenantChecks } from './import-mailboxes.js';
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
 * The import with a tenant: each mailbox is imported (in a dry run, checked against the destination) as
 * soon as its own zips are read, `parallel` at a time, while the scan goes on with the next, largest
 * first (run/scan/each-mailbox-as-scanned.ts). Uploads are bound by Graph's limits, not by this machine,
 * so the scan costs them little.
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
  const at = { parallel: options.parallel, phaseAfterScan: options.dryRun ? 'checking destination' : 'importing' };
  // A credential refused in one mailbox (a client secret that expired hours into the run), or a permission
  // withdrawn, is refused in all: the scan stops and no further mailbox starts. Going on read every
  // remaining zip (an hour for a shard of 128 mailboxes of 10 GB) for each mailbox to stop at its first
  // request with the same sentence.
  const refused = new AbortController();
  const signal = options.signal === undefined ? refused.signal : AbortSignal.any([options.signal, refused.signal]);
  const onTenantWideStop = (): void => refused.abort();
  const { records, results } = await eachMailboxAsScanned(zips, ledger, stats, { ...scan, signal }, at, log, (mailbox, scanned, mailboxSignal) =>
    importOneMailbox(mailbox, scanned, ledger, stats, connection, { ...options, signal: mailboxSignal, onTenantWideStop }, log, checks),
  );
  return { records, fatal: joinStops([...results.values()]) };
}
