import { join } from 'node:path';
import { canonicalZipLocation } from '../source/index.js';
import { Ledger } from '../ledger/ledger.js';
import { Stats } from '../accounting/stats.js';
import { ExitCode } from '../accounting/exit-codes.js';
import { scanZips, type ZipToScan } from '../run/scan/scan.js';
import { scanOptionsFrom } from '../run/scan/source-options.js';
import { mappingFingerprint } from '../policy/policy-settings.js';
import { importMailboxes } from '../run/import/import-mailboxes.js';
import { readMapFile, mailboxFor } from '../run/mailbox-map.js';
import { startProgress } from '../run/progress.js';
import { buildReport, messageLines } from '../reports/build-report.js';
import { writeOutputs } from './outputs.js';
import { ERROR_PREFIX, UsageError, type CliIo } from './io.js';
import { checkCredential, checkMapRows, checkOptionFile, checkReportDir, checkSources } from './check-inputs.js';
import { resolveS3Zips } from './s3-zips.js';
import type { ImportSettings } from './options.js';
import type { RunSettings } from '../run/run-settings.js';
import type { PolicySettings } from '../policy/policy-settings.js';
import type { DestinationSettings } from '../destination/graph/destination-settings.js';
import type { RunReport } from '../reports/model.js';
import { parseShard, type ShardSpec } from './shard-option.js';
import { expandZipArgs } from './zip-args.js';
import { takeShard } from './shard.js';
import { measureMailboxes } from '../run/estate-sizes.js';
import { planEstate } from '../plan/estate.js';
import { DEFAULT_ASSUMPTIONS } from '../plan/assumptions.js';
import { planJson } from '../reports/plan-json.js';

/** True when the options name a tenant to talk to (a dry run without one never touches the network). */
export function wantsTenant(destination: DestinationSettings): boolean {
  return destination.tenant !== undefined || destination.accessTokenEnv !== undefined;
}

/**
 * Which mailbox each zip goes to: --mailbox for all, or map.csv; null where neither says. Globs no shell
 * expanded (an engine's command line) are expanded here; every zip and every path map.csv names is then
 * checked (exit 2 naming each one), before anything is read or written.
 */
export async function assignMailboxes(zipArgs: readonly string[], options: Pick<RunSettings, 'mailbox' | 'map'>): Promise<ZipToScan[]> {
  if (zipArgs.length === 0) throw new UsageError('give the export zips to read (or, for an import, --map with --wait-for-exports)');
  if (options.mailbox && options.map) throw new UsageError('use --mailbox or --map, not both');
  const paths = expandZipArgs(zipArgs);
  await checkSources(paths);
  checkOptionFile('--map', options.map);
  const rules = options.map ? readMapFile(options.map) : [];
  if (options.map) await checkMapRows(options.map, rules);
  return paths.map((path) => ({ path, mailbox: options.mailbox ?? (options.map ? mailboxFor(path, rules) : null) }));
}

/**
 * The zips with their mailboxes, every start-up check passed: nothing has been written yet. `tenant` is
 * the destination the run will connect to, null for a dry run without one.
 */
export async function checkedStart(zipArgs: readonly string[], run: Pick<RunSettings, 'mailbox' | 'map' | 'report'>, tenant: DestinationSettings | null, io: CliIo): Promise<ZipToScan[]> {
  const zips = await assignMailboxes(zipArgs, run);
  if (tenant !== null) {
    const unmapped = zips.filter((z) => z.mailbox === null).map((z) => z.path);
    if (unmapped.length > 0) throw new UsageError(`no mailbox for ${unmapped.join(', ')}: give --mailbox, or a row in --map`);
    checkCredential(tenant, io);
  }
  checkReportDir(run.report);
  return zips;
}

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
  const zips = await shardOf(await checkedStart(scan.zips, run, tenant ? destination : null, io), spec, io);

  const ledger = run.dryRun ? Ledger.openScratch() : Ledger.open(join(run.state, 'state.db'));
  try {
    if (!run.dryRun) checkMapping(ledger, policy, run.state);
    const stats = new Stats();
    const progress = startProgress(stats, io.stderr, run.progress, progressInterval(io));
    let fatal: string | null = null;
    try {
      const records = await scanZips(zips, ledger, stats, { ...scanOptionsFrom(scan, policy), signal: io.signal }, progress.log);
      if (tenant && !io.signal?.aborted) {
        if (destination.apiNote !== undefined) progress.log(destination.apiNote);
        const { connect } = await import('../run/connect.js');
        const connection = await connect(destination, io, stats);
        stats.phase = run.dryRun ? 'checking destination' : 'importing';
        fatal = await importMailboxes(records, ledger, stats, connection, { api: destination.api, dryRun: run.dryRun, parallel: run.parallel, landingWindowMs: run.landingWindowSeconds * 1000, signal: io.signal }, progress.log);
      }
    } finally {
      progress.stop();
    }
    const zipPaths = new Set(zips.map((z) => canonicalZipLocation(z.path)));
    const built = buildReport(ledger, run.dryRun ? 'dry-run' : 'import', zipPaths, runStartedAt);
    // The central directories were just read by the scan, so the plan costs a few reads of cached pages.
    const report = run.dryRun && !io.signal?.aborted ? { ...built, plan: await dryRunPlan(zips, run.parallel) } : built;
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
  } finally {
    ledger.close();
  }
}

/**
 * `{shard}` in --state and --report becomes the shard's number (1-based), so one engine command line
 * (no shell to expand the engine's variables) gives each shard its own ledger and report folder.
 */
export function withShardPaths<T extends Pick<RunSettings, 'state' | 'report'>>(options: T, spec: ShardSpec | undefined): T {
  const placeholder = '{shard}';
  const uses = options.state.includes(placeholder) || (options.report?.includes(placeholder) ?? false);
  if (!uses) return options;
  if (spec === undefined) throw new UsageError(`${placeholder} in --state or --report needs --shard`);
  const fill = (path: string): string => path.split(placeholder).join(String(spec.index));
  return { ...options, state: fill(options.state), report: options.report === undefined ? undefined : fill(options.report) };
}

/** This run's share of the zips with --shard; all of them without. Writes its choice on stderr. */
export async function shardOf(zips: ZipToScan[], spec: ShardSpec | undefined, io: CliIo): Promise<ZipToScan[]> {
  if (spec === undefined) return zips;
  const taken = await takeShard(zips, spec);
  for (const problem of taken.problems) io.stderr.write(`warning: ${problem}\n`);
  io.stderr.write(`eml-import: ${taken.summary}\n`);
  return taken.zips;
}

async function dryRunPlan(zips: readonly ZipToScan[], parallel: number): Promise<object> {
  const sizes = await measureMailboxes(zips);
  return planJson(planEstate(sizes.mailboxes, { parallel, machines: 1 }, DEFAULT_ASSUMPTIONS), sizes.problems);
}

export function exitCodeFor(report: RunReport): number {
  const t = report.totals;
  // A mailbox the tenant does not have is a mistake in --mailbox or the map: a configuration error.
  if (report.missingMailboxes.length > 0) return ExitCode.usage;
  if (t.unreadable > 0) return ExitCode.incomplete;
  if (report.mode === 'import' && (t.failed > 0 || t.pending > 0)) return ExitCode.incomplete;
  return ExitCode.ok;
}

export function checkMapping(ledger: Ledger, policy: PolicySettings, state: string): void {
  const wanted = mappingFingerprint(policy);
  const stored = ledger.getMeta('mapping');
  if (stored === null) ledger.setMeta('mapping', wanted);
  else if (stored !== wanted) {
    throw new UsageError(
      `the ledger in ${state} was made with other folder, spam or filter options (${stored}); ` +
        'run with the same options to resume, or give a new --state to start over',
    );
  }
}

/** Tests and log-watching admins can ask for plain progress lines more often than every 10 s. */
export function progressInterval(io: CliIo): number | undefined {
  const value = Number(io.env['EML_IMPORT_PROGRESS_INTERVAL_MS']);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}
