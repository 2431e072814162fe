import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { withLedger } from './with-ledger.js';
import { Stats } from '../accounting/stats.js';
import { ExitCode } from '../accounting/exit-codes.js';
import { EXPORTS_FILE, ExportJobStore } from '../export/job-store.js';
import type { ObjectProbe } from '../export/s3-probe.js';
import { scanZips } from '../run/scan/scan.js';
import { canonicalZipLocation, isS3Uri, parseS3Uri } from '../source/index.js';
import { scanOptionsFrom } from '../run/scan/source-options.js';
import { checkTenant, importOneMailbox } from '../run/import/import-mailboxes.js';
import { allowListeners } from '../run/io.js';
import { importOptionsFrom } from '../run/import/import-options.js';
import { importAsExportsLand, type NotLanded } from '../run/import/import-as-exports-land.js';
import { notLanded } from '../export/not-landed.js';
import { unfollowedSince } from '../export/unfollowed.js';
import { mailboxesFor, readMapFile } from '../run/mailbox-map.js';
import { mailboxesOf } from '../run/mailboxes-of.js';
import { CHECKING_TENANT, startProgress } from '../run/progress.js';
import { buildReport, messageLines } from '../reports/build-report.js';
import { exitCodeFor, writeOutputs } from './outputs.js';
import { checkMapping, progressInterval, wantsTenant, withShardPaths } from './start-up.js';
import { ERROR_PREFIX, UsageError, type CliIo } from './io.js';
import type { ImportSettings } from './options.js';

const WAIT_POLL_MS = 15_000;
const WAIT_MAX_POLL_MS = 120_000;
/** export.ts's first and longest poll of a running job. */
const EXPORTER_POLL_MS = 10_000;
const EXPORTER_MAX_POLL_MS = 120_000;

/**
 * `eml-import --map map.csv --wait-for-exports`: the import of a migration whose WorkMail exports are still
 * being written. Each map row is scanned and imported as soon as its zip is in S3; a row whose export job
 * failed is reported with WorkMail's ErrorInfo and not imported. `eml-import export` (running alongside,
 * with the same --state) keeps the job record current.
 */
export async function runImportAsExportsLand(settings: ImportSettings, io: CliIo): Promise<number> {
  const { scan, policy, destination, run } = settings;
  if (!run.map) throw new UsageError('--wait-for-exports needs --map: the map eml-import export writes (--map-out)');
  if (run.mailbox) throw new UsageError('--wait-for-exports takes the mailboxes from --map; leave out --mailbox');
  if (scan.zips.length > 0) throw new UsageError('--wait-for-exports takes the zips from --map; give none on the command line');
  // A shard is sized by its zips, which do not exist yet: shards started at different moments would split
  // the map differently, and a mailbox could go to two of them, or to none.
  if (run.shard !== undefined) throw new UsageError('--shard does not go with --wait-for-exports: shards are balanced by the zips\' sizes, known only once the exports have landed; wait for them (eml-import export), then run the shards without --wait-for-exports');
  // {shard} in a path, without --shard: the same refusal as the plain import's.
  withShardPaths(run, undefined);
  const tenant = wantsTenant(destination);
  if (!run.dryRun && !tenant) throw new UsageError('the import needs --tenant and --client-id (or --dry-run for a report without a tenant)');
  const rows = readMapFile(run.map);
  const globs = rows.filter((row) => /[*?]/.test(row.zip)).map((row) => row.zip);
  if (globs.length > 0) throw new UsageError(`--wait-for-exports wants one zip per map row, not globs: ${globs.join(', ')}`);
  // One zip to two mailboxes is a mistake in the map, refused as the plain import refuses it.
  mailboxesFor([...new Set(rows.map((row) => row.zip))], rows);

  // Once, before any zip is opened or probed: configuring again would drop the clients of reads in flight.
  let probe: ObjectProbe = { exists: () => Promise.resolve(false) };
  if (rows.some((row) => isS3Uri(row.zip))) {
    const { configureS3, checkS3Bucket } = await import('../source/s3/index.js');
    // Credentials from the standard AWS chain; the bucket's Region from --s3-region, or found from the bucket.
    configureS3(scan.s3);
    // The zips may not exist yet, but their buckets must: a wrong bucket or region stops the run here, before any write.
    const buckets = [...new Set(rows.filter((row) => isS3Uri(row.zip)).map((row) => parseS3Uri(row.zip).bucket))];
    const problems = (await Promise.all(buckets.map(checkS3Bucket))).filter((p): p is string => p !== undefined);
    if (problems.length > 0) throw new UsageError(problems.join('\n'));
    probe = (await import('../export/s3-probe.js')).s3ObjectProbe();
  }
  const exportsPath = join(run.state, EXPORTS_FILE);
  const store = existsSync(exportsPath) ? ExportJobStore.open(exportsPath, { readonly: true }) : null;
  try {
    return await withLedger(run.dryRun ? null : run.state, async (ledger) => {
      if (!run.dryRun) checkMapping(ledger, policy, run.state);
      const stats = new Stats();
      const progress = startProgress(stats, io.stderr, run.progress, progressInterval(io));
      let fatal: string | null = null;
      let failedExports: readonly NotLanded[];
      let landed: readonly { zip: string }[];
      try {
        const connection = tenant ? await (await import('../run/connect.js')).connect(destination, io, stats) : null;
        // The tenant before the wait: a wrong secret or a missing permission said at once, not when the first
        // export lands (an hour or more into a large estate's exports).
        if (connection) stats.phase = CHECKING_TENANT;
        const mailboxes = mailboxesOf(rows);
        const checks = connection ? await checkTenant(connection, mailboxes, progress.log) : undefined;
        fatal = checks?.stop ?? null;
        if (checks) stats.mailboxesTotal = mailboxes.filter((m) => !checks.missing.has(m)).length;
        // One mailbox that stops (a full mailbox) leaves the others to go on; a stop of the app's (a secret
        // expired, a permission withdrawn) ends the wait: the exports still to come could not be imported either.
        const stops: string[] = [];
        let tenantWide = false;
        const importing = { ...importOptionsFrom(destination, run), signal: io.signal, onTenantWideStop: () => (tenantWide = true) };
        allowListeners(io.signal, run.parallel);
        const pollMs = Number(io.env['EML_IMPORT_EXPORT_POLL_MS']) > 0 ? Number(io.env['EML_IMPORT_EXPORT_POLL_MS']) : WAIT_POLL_MS;
        let waitingFor = -1;
        // The export polls each job at least every EXPORTER_MAX_POLL_MS (less with EML_IMPORT_EXPORT_POLL_MS, as export.ts does).
        const exporterPollMs = Number(io.env['EML_IMPORT_EXPORT_POLL_MS']) > 0 ? Number(io.env['EML_IMPORT_EXPORT_POLL_MS']) : EXPORTER_POLL_MS;
        const exporterSilentMs = 5 * Math.max(exporterPollMs, Math.min(EXPORTER_MAX_POLL_MS, exporterPollMs * 12));
        let warnedSilence = 0;
        const result = fatal !== null ? { failed: [], landed: [] } : await importAsExportsLand(
          rows,
          { jobForUri: (uri) => store?.latestForUri(uri) ?? null, exists: (uri) => probe.exists(uri) },
          {
            pollMs,
            maxPollMs: Math.max(pollMs, Math.min(WAIT_MAX_POLL_MS, pollMs * 8)),
            signal: io.signal,
            onWaiting: (pending, jobs) => {
              if (pending.length !== waitingFor) progress.log(`waiting for ${pending.length} export(s) to land in S3`);
              waitingFor = pending.length;
              const silent = unfollowedSince(jobs, new Date(), exporterSilentMs);
              if (silent !== null && silent.getTime() !== warnedSilence) {
                progress.log(`the export record ${exportsPath} has not changed since ${silent.toISOString()}: no eml-import export seems to be following these jobs; start it with the same --state, or this wait does not end`);
                warnedSilence = silent.getTime();
              }
            },
          },
          run.parallel,
          async (row) => {
            if (fatal !== null || tenantWide || io.signal?.aborted) return;
            const records = await scanZips([{ path: canonicalZipLocation(row.zip), mailbox: row.mailbox }], ledger, stats, { ...scanOptionsFrom(scan, policy), signal: io.signal }, progress.log);
            if (connection && !io.signal?.aborted) {
              stats.phase = run.dryRun ? 'checking destination' : 'importing';
              const stop = await importOneMailbox(row.mailbox, records, ledger, stats, connection, importing, progress.log, checks!);
              if (stop !== null) stops.push(stop);
              if (tenantWide) return 'stop';
            }
          },
          progress.log,
        );
        fatal ??= stops.length > 0 ? stops.join('\n') : null;
        failedExports = result.failed;
        landed = result.landed;
      } finally {
        progress.stop();
      }
      const zipPaths = new Set(landed.map((row) => canonicalZipLocation(row.zip)));
      const now = new Date();
      const exportsNotLanded = failedExports.map((failure) => notLanded(failure, now));
      const report = { ...buildReport(ledger, run.dryRun ? 'dry-run' : 'import', zipPaths), exportsNotLanded };
      await writeOutputs(report, () => messageLines(ledger, zipPaths), run, io, stats.snapshot());
      if (exportsNotLanded.length > 0) {
        io.stderr.write(`eml-import: ${exportsNotLanded.length} mailbox export(s) did not land and were not imported:\n${exportsNotLanded.map((f) => `  ${f.mailbox}: ${f.reason}; next: ${f.next}\n`).join('')}`);
      }
      if (fatal) {
        io.stderr.write(`${ERROR_PREFIX}stopped: ${fatal}\n`);
        return ExitCode.usage;
      }
      if (io.signal?.aborted) {
        io.stderr.write('eml-import: interrupted: run the same command again to go on; the ledger keeps what is done\n');
        return ExitCode.incomplete;
      }
      return failedExports.length > 0 ? ExitCode.incomplete : exitCodeFor(report);
    });
  } finally {
    store?.close();
  }
}
