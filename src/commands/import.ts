import { join } from 'node:path';
import { canonicalZipLocation } from '../source/index.js';
import { Ledger } from '../ledger/ledger.js';
import { Stats } from '../accounting/stats.js';
import { ExitCode } from '../accounting/exit-codes.js';
import { scanZips, type ZipToScan } from '../run/scan.js';
import { scanOptionsFrom, mappingFingerprint } from '../run/source-options.js';
import { importMailboxes } from '../run/import-mailboxes.js';
import { readMapFile, mailboxFor } from '../run/mailbox-map.js';
import { startProgress } from '../run/progress.js';
import { buildReport, messageLines } from '../reports/build-report.js';
import { writeOutputs } from './outputs.js';
import { UsageError, type CliIo } from './io.js';
import { resolveS3Zips } from './s3-zips.js';
import type { ImportOptions, TenantOptions } from './options.js';
import type { RunReport } from '../reports/model.js';

/** True when the options name a tenant to talk to (a dry run without one never touches the network). */
export function wantsTenant(options: TenantOptions): boolean {
  return options.tenant !== undefined || options.accessTokenEnv !== undefined;
}

/** Which mailbox each zip goes to: --mailbox for all, or map.csv; null where neither says. */
export function assignMailboxes(options: ImportOptions): ZipToScan[] {
  if (options.mailbox && options.map) throw new UsageError('use --mailbox or --map, not both');
  const rules = options.map ? readMapFile(options.map) : [];
  return options.zips.map((path) => ({ path, mailbox: options.mailbox ?? (options.map ? mailboxFor(path, rules) : null) }));
}

/**
 * The main job. The dry run is a mode of the same pipeline: it scans for real into a scratch ledger,
 * reads the destination when a tenant is given, and skips only folder creation and uploads.
 */
export async function runImport(given: ImportOptions, io: CliIo): Promise<number> {
  const options = await resolveS3Zips(given);
  const tenant = wantsTenant(options);
  if (!options.dryRun && !tenant) throw new UsageError('the import needs --tenant and --client-id (or --dry-run for a report without a tenant)');
  const zips = assignMailboxes(options);
  if (tenant) {
    const unmapped = zips.filter((z) => z.mailbox === null).map((z) => z.path);
    if (unmapped.length > 0) throw new UsageError(`no mailbox for ${unmapped.join(', ')}: give --mailbox, or a row in --map`);
  }

  const ledger = options.dryRun ? Ledger.openScratch() : Ledger.open(join(options.state, 'state.db'));
  try {
    if (!options.dryRun) checkMapping(ledger, options);
    const stats = new Stats();
    const progress = startProgress(stats, io.stderr, options.progress, progressInterval(io));
    let fatal: string | null = null;
    try {
      const records = await scanZips(zips, ledger, stats, { ...scanOptionsFrom(options), signal: io.signal }, progress.log);
      if (tenant && !io.signal?.aborted) {
        const { connect } = await import('../run/connect.js');
        const connection = await connect(options, io, stats);
        stats.phase = options.dryRun ? 'checking destination' : 'importing';
        fatal = await importMailboxes(records, ledger, stats, connection, { api: options.api, dryRun: options.dryRun, parallel: options.parallel, signal: io.signal }, progress.log);
      }
    } finally {
      progress.stop();
    }
    const zipPaths = new Set(zips.map((z) => canonicalZipLocation(z.path)));
    const report = buildReport(ledger, options.dryRun ? 'dry-run' : 'import', zipPaths);
    await writeOutputs(report, () => messageLines(ledger, zipPaths), options, io, stats.snapshot());
    if (fatal) {
      io.stderr.write(`eml-import: stopped: ${fatal}\n`);
      return ExitCode.usage;
    }
    if (io.signal?.aborted) {
      const after = options.dryRun ? 'the report covers only what was read before' : 'run the same command again to go on; the ledger keeps what is done';
      io.stderr.write(`eml-import: interrupted: ${after}\n`);
      return ExitCode.incomplete;
    }
    return exitCodeFor(report);
  } finally {
    ledger.close();
  }
}

function exitCodeFor(report: RunReport): number {
  const t = report.totals;
  if (t.unreadable > 0) return ExitCode.incomplete;
  if (report.mode === 'import' && (t.failed > 0 || t.pending > 0)) return ExitCode.incomplete;
  return ExitCode.ok;
}

function checkMapping(ledger: Ledger, options: ImportOptions): void {
  const wanted = mappingFingerprint(options);
  const stored = ledger.getMeta('mapping');
  if (stored === null) ledger.setMeta('mapping', wanted);
  else if (stored !== wanted) {
    throw new UsageError(
      `the ledger in ${options.state} was made with other folder, spam or filter options (${stored}); ` +
        'run with the same options to resume, or give a new --state to start over',
    );
  }
}

/** Tests and log-watching admins can ask for plain progress lines more often than every 10 s. */
function progressInterval(io: CliIo): number | undefined {
  const value = Number(io.env['EML_IMPORT_PROGRESS_INTERVAL_MS']);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}
