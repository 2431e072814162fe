import { canonicalZipLocation } from '../source/index.js';
import type { ZipRecord } from '../ledger/ledger.js';
import { withLedger } from './with-ledger.js';
import { Stats } from '../accounting/stats.js';
import { ExitCode } from '../accounting/exit-codes.js';
import { scanZips, type ZipToScan } from '../run/scan/scan.js';
import { scanOptionsFrom } from '../run/scan/source-options.js';
import { folderGlobMistakes } from '../run/scan/folder-glob-warnings.js';
import { checkTenant, type TenantChecks } from '../run/import/import-mailboxes.js';
import { importAsScanned } from '../run/import/import-as-scanned.js';
import type { Connection } from '../run/connect.js';
import { mailboxesOf } from '../run/mailboxes-of.js';
import { importOptionsFrom } from '../run/import/import-options.js';
import { CHECKING_TENANT, startProgress } from '../run/progress.js';
import { buildReport, messageLines } from '../reports/build-report.js';
import { exitCodeFor, writeOutputs } from './outputs.js';
import { checkedStart, checkMailboxesUnchanged, checkMapping, progressInterval, shardOf, wantsTenant, withShardPaths } from './start-up.js';
import { ERROR_PREFIX, UsageError, type CliIo } from './io.js';
import { resolveS3Zips } from './s3-zips.js';
import type { ImportSettings } from './options.js';
import { parseShard } from './shard-option.js';
import { measureMailboxes, scannedZipSizes } from '../run/estate-sizes.js';
import type { ZipSizeReader } from '../source/zip-size.js';
import { planEstate } from '../plan/estate.js';
import { DEFAULT_ASSUMPTIONS } from '../plan/assumptions.js';
import { planJson } from '../reports/plan-json.js';

/**
 * The main job. The dry run is a mode of the same pipeline: it scans for real into a scratch ledger,
 * reads the destination when a tenant is given, and skips only folder creation and uploads.
 */
export async function runImport(given: ImportSettings, io: CliIo): Promise<number> {
  if (given.run.waitForExports) {
    const { runImportAsExportsLand } = await import('./import-waiting.js');
    return runImportAsExportsLand(given, io);
  }
  const { policy, destination } = given;
  // Messages the ledger recorded as imported before this moment were imported by an earlier run.
  const runStartedAt = new Date().toISOString();
  const spec = parseShard(given.run.shard, io.env);
  // s3:// globs listed and every S3 zip checked (HEAD) before anything else.
  const scan = await resolveS3Zips(given.scan);
  const run = withShardPaths(given.run, spec);
  const tenant = wantsTenant(destination);
  if (!run.dryRun && !tenant) throw new UsageError('the import needs --tenant and --client-id (or --dry-run for a report without a tenant)');
  const started = await checkedStart(scan.zips, run, tenant ? destination : null, io);
  // A shard's zips may lack a folder that another shard's have: its globs are checked after the scan.
  if (!run.dryRun && spec === undefined) {
    const mistakes = await folderGlobMistakes(started.map((z) => z.path), { include: policy.includeFolders, exclude: policy.excludeFolders });
    if (mistakes.length > 0) throw new UsageError(`${mistakes.join('\n')}\nnothing was imported: correct the glob, or leave it out`);
  }
  const { zips, shard } = await shardOf(started, spec, io);

  return withLedger(run.dryRun ? null : run.state, async (ledger) => {
    if (!run.dryRun) await checkMailboxesUnchanged(ledger, zips, run.state);
    const stats = new Stats();
    const progress = startProgress(stats, io.stderr, run.progress, progressInterval(io));
    let fatal: string | null = null;
    let stoppedAtTenant = false;
    let records: ZipRecord[];
    try {
      // The tenant first: its token, permissions and mailboxes are checked before a byte of the zips is read.
      let tenantChecked: { connection: Connection; checks: TenantChecks } | null = null;
      if (tenant) {
        if (destination.apiNote !== undefined) progress.log(destination.apiNote);
        const { connect } = await import('../run/connect.js');
        const connection = await connect(destination, io, stats);
        stats.phase = CHECKING_TENANT;
        tenantChecked = { connection, checks: await checkTenant(connection, mailboxesOf(zips), progress.log) };
        fatal = tenantChecked.checks.stop;
        stoppedAtTenant = fatal !== null;
      }
      // Recorded once the tenant has answered: a run stopped by a wrong secret must not bind the ledger to its options.
      if (!run.dryRun && fatal === null) checkMapping(ledger, policy, run.state);
      const scanning = { ...scanOptionsFrom(scan, policy), signal: io.signal };
      if (tenantChecked !== null && fatal === null) {
        // Each mailbox is imported (or, in a dry run, checked against the destination) once its zips are read.
        const { connection, checks } = tenantChecked;
        ({ records, fatal } = await importAsScanned(zips, ledger, stats, connection, checks, scanning, { ...importOptionsFrom(destination, run), signal: io.signal }, progress.log));
      } else {
        records = fatal === null ? await scanZips(zips, ledger, stats, scanning, progress.log) : [];
      }
    } finally {
      progress.stop();
    }
    // Stopped before a byte was read (checkTenant has said why, one line each): no report of an empty run,
    // which `report merge` would take for a shard that had nothing to do.
    if (stoppedAtTenant) return ExitCode.usage;
    const zipPaths = new Set(zips.map((z) => canonicalZipLocation(z.path)));
    const built = buildReport(ledger, run.dryRun ? 'dry-run' : 'import', zipPaths, runStartedAt);
    const planned = run.dryRun && !io.signal?.aborted ? { ...built, plan: await dryRunPlan(zips, scannedZipSizes(ledger, records), run.parallel) } : built;
    const report = shard === undefined ? planned : { ...planned, shard };
    await writeOutputs(report, () => messageLines(ledger, zipPaths), run, io, stats.snapshot());
    if (fatal) {
      io.stderr.write(`${ERROR_PREFIX}stopped: ${fatal}\n`);
      return ExitCode.usage;
    }
    if (io.signal?.aborted) {
      const after = run.dryRun ? 'the report covers only what was read before' : 'run the same command again to go on; the ledger keeps what is done';
      io.stderr.write(`eml-import: interrupted: ${after}\n`);
      return ExitCode.incomplete;
    }
    return exitCodeFor(report);
  });
}

async function dryRunPlan(zips: readonly ZipToScan[], readSize: ZipSizeReader, parallel: number): Promise<object> {
  const sizes = await measureMailboxes(zips, readSize);
  return planJson(planEstate(sizes.mailboxes, { parallel, machines: 1 }, DEFAULT_ASSUMPTIONS), sizes.problems);
}
