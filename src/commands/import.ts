import { join, resolve } from 'node:path';
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
import type { ImportOptions, TenantOptions } from './options.js';
import type { RunReport } from '../reports/model.js';
import { parseShard, type ShardSpec } from './shard-option.js';
import { expandZipArgs } from './zip-args.js';
import { takeShard } from './shard.js';
import { measureMailboxes } from '../run/estate-sizes.js';
import { planEstate } from '../plan/estate.js';
import { DEFAULT_ASSUMPTIONS } from '../plan/assumptions.js';
import { planJson } from '../reports/plan-json.js';

/** True when the options name a tenant to talk to (a dry run without one never touches the network). */
export function wantsTenant(options: TenantOptions): boolean {
  return options.tenant !== undefined || options.accessTokenEnv !== undefined;
}

/** Which mailbox each zip goes to: --mailbox for all, or map.csv; null where neither says. */
export function assignMailboxes(options: Pick<ImportOptions, 'zips' | 'mailbox' | 'map'>): ZipToScan[] {
  if (options.mailbox && options.map) throw new UsageError('use --mailbox or --map, not both');
  const rules = options.map ? readMapFile(options.map) : [];
  return expandZipArgs(options.zips).map((path) => ({ path, mailbox: options.mailbox ?? (options.map ? mailboxFor(path, rules) : null) }));
}

/**
 * The main job. The dry run is a mode of the same pipeline: it scans for real into a scratch ledger,
 * reads the destination when a tenant is given, and skips only folder creation and uploads.
 */
export async function runImport(given: ImportOptions, io: CliIo): Promise<number> {
  const spec = parseShard(given.shard, io.env);
  const options = withShardPaths(given, spec);
  const tenant = wantsTenant(options);
  if (!options.dryRun && !tenant) throw new UsageError('the import needs --tenant and --client-id (or --dry-run for a report without a tenant)');
  let zips = assignMailboxes(options);
  if (tenant) {
    const unmapped = zips.filter((z) => z.mailbox === null).map((z) => z.path);
    if (unmapped.length > 0) throw new UsageError(`no mailbox for ${unmapped.join(', ')}: give --mailbox, or a row in --map`);
  }
  zips = await shardOf(zips, spec, io);

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
    const zipPaths = new Set(zips.map((z) => resolve(z.path)));
    const built = buildReport(ledger, options.dryRun ? 'dry-run' : 'import', zipPaths);
    // The central directories were just read by the scan, so the plan costs a few reads of cached pages.
    const report = options.dryRun && !io.signal?.aborted ? { ...built, plan: await dryRunPlan(zips, options.parallel) } : built;
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

/**
 * `{shard}` in --state and --report becomes the shard's number (1-based), so one engine command line
 * (no shell to expand the engine's variables) gives each shard its own ledger and report folder.
 */
export function withShardPaths<T extends Pick<ImportOptions, 'state' | 'report'>>(options: T, spec: ShardSpec | undefined): T {
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
