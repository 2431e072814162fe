import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Ledger } from '../ledger/ledger.js';
import { Stats } from '../accounting/stats.js';
import { connect } from '../run/connect.js';
import { runReconcile, reconcileExitCode } from '../run/reconcile/reconcile.js';
import { scanOptionsFrom } from '../run/scan/source-options.js';
import { mappingFingerprint } from '../policy/policy-settings.js';
import { renderReconcile } from '../reports/reconcile/human.js';
import { reconcileJsonText } from '../reports/reconcile/json.js';
import { writeReconcileDir } from '../reports/reconcile/write.js';
import { startProgress } from '../run/progress.js';
import { checkedStart, shardOf, wantsTenant, withShardPaths } from './start-up.js';
import { parseShard } from './shard-option.js';
import { ERROR_PREFIX, UsageError, type CliIo } from './io.js';
import { mailboxesOf } from '../run/mailboxes-of.js';
import { resolveS3Zips } from './s3-zips.js';
import type { ImportSettings } from './options.js';
import { ExitCode } from '../accounting/exit-codes.js';
import { explainStorage, ledgerPlace } from './with-ledger.js';

/**
 * `eml-import reconcile`: read-only. The source and the destination are enough; the ledger, when this
 * machine has one, adds what it recorded as imported.
 */
export async function runReconcileCommand(given: ImportSettings, io: CliIo): Promise<number> {
  const { policy, destination } = given;
  const spec = parseShard(given.run.shard, io.env);
  if (!wantsTenant(destination)) throw new UsageError('reconcile needs --tenant and --client-id (or --access-token-env)');
  const scan = await resolveS3Zips(given.scan);
  const run = withShardPaths(given.run, spec);
  const { zips } = await shardOf(await checkedStart(scan.zips, run, destination, io), spec, io);
  const ledgerPath = join(run.state, 'state.db');
  const ledger = existsSync(ledgerPath) ? Ledger.open(ledgerPath) : undefined;
  const stats = new Stats();
  const progress = startProgress(stats, io.stderr, run.progress);
  try {
    const connection = await connect(destination, io, stats);
    const problems = await connection.readPreflight(mailboxesOf(zips));
    if (problems.length > 0) {
      for (const p of problems) io.stderr.write(`${ERROR_PREFIX}${p}\n`);
      return ExitCode.usage;
    }
    const report = await runReconcile({
      zips: zips.map((z) => ({ path: z.path, mailbox: z.mailbox as string })),
      scanOptions: scanOptionsFrom(scan, policy),
      destinationFor: connection.destinationFor,
      ledger,
      mapping: mappingFingerprint(policy),
      parallel: run.parallel,
      stats,
      log: progress.log,
      signal: io.signal,
    });
    progress.stop();
    if (run.json) io.stdout.write(reconcileJsonText(report));
    else io.stdout.write(renderReconcile(report, { color: io.stdout.isTTY === true && !io.env['NO_COLOR'] }));
    if (run.report) {
      const dir = run.report;
      const written = await writeReconcileDir(dir, report).catch((error: unknown) => Promise.reject(explainStorage(error, { kind: 'reports', path: dir })));
      io.stderr.write(`report written: ${written.join(', ')}\n`);
    }
    return reconcileExitCode(report);
  } catch (error) {
    // Reconcile writes only its scratch ledger (in the temporary folder) and its report.
    throw explainStorage(error, ledgerPlace(null));
  } finally {
    progress.stop();
    ledger?.close();
  }
}
