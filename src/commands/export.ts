import { join } from 'node:path';
import { ExitCode } from '../accounting/exit-codes.js';
import { rewriteAddress } from '../export/address-rewrite.js';
import { EXPORTS_FILE, ExportJobStore } from '../export/job-store.js';
import { cannotOpen, explainStorage } from './with-ledger.js';
import { mapRows, newestAttempts, writeMapFile } from '../export/map-out.js';
import { startExportProgress } from '../export/progress.js';
import { ExportFatalError, runExports, type ExportOutcome, type ExportTarget } from '../export/run-exports.js';
import { selectUsers } from '../export/select-users.js';
import { sharedTargets } from '../export/shared-targets.js';
import { describeWorkMailError, workMailApi } from '../export/workmail.js';
import { UsageError, type CliIo } from './io.js';
import type { ExportOptions } from './export-options.js';

const DEFAULT_POLL_MS = 10_000;
const MAX_POLL_MS = 120_000;
const PLAIN_PROGRESS_MS = 30_000;

function envNumber(io: CliIo, name: string): number | undefined {
  const value = Number(io.env[name]);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

/**
 * `eml-import export`: starts WorkMail's mailbox export jobs for the chosen users (at most --max-running
 * at once), follows them to the end, and writes the import's map of s3:// zips to Microsoft 365 mailboxes.
 */
export async function runExport(options: ExportOptions, io: CliIo): Promise<number> {
  const api = workMailApi({ ...(options.region ? { region: options.region } : {}), ...(options.endpoint ? { endpoint: options.endpoint } : {}) });
  try {
    let all;
    try {
      all = await api.listUsers(options.organizationId);
    } catch (error) {
      throw new UsageError(`listing the users of ${options.organizationId}: ${describeWorkMailError(error)}`);
    }
    const selection = selectUsers(all, options.users);
    const problems = [
      ...selection.unknown.map((name) => `${name}: no such user in ${options.organizationId}`),
      ...selection.unexportable.map((u) => `${u.name}: ${u.reason}`),
    ];
    if (problems.length > 0) throw new UsageError(`cannot export:\n  ${problems.join('\n  ')}`);
    if (selection.users.length === 0) throw new UsageError(`${options.organizationId} has no enabled user with a mailbox to export`);
    for (const { user, reason } of selection.skipped) io.stderr.write(`skipping ${user.email ?? user.name ?? user.id}: ${reason}\n`);

    const targets: ExportTarget[] = selection.users.map((user) => ({ userId: user.id, email: user.email!, name: user.name, target: rewriteAddress(user.email!, options.rewrite) }));
    const shared = sharedTargets(targets, options.rewrite);
    if (shared.length > 0) {
      throw new UsageError(
        `two or more users would be imported into one Microsoft 365 mailbox:\n  ${shared.map((s) => `${s.emails.join(', ')} -> ${s.target}`).join('\n  ')}\n` +
          'give each its own row in --rename (rows that name the same mailbox on purpose are kept as they are)',
      );
    }
    let store: ExportJobStore;
    try {
      store = ExportJobStore.open(join(options.state, EXPORTS_FILE));
    } catch (error) {
      throw cannotOpen(error, `--state ${options.state}: cannot open the export job record there`);
    }
    const progress = startExportProgress(io.stderr, options.progress, envNumber(io, 'EML_IMPORT_PROGRESS_INTERVAL_MS') ?? PLAIN_PROGRESS_MS);
    let lastMap = '';
    const refresh = (): void => {
      const jobs = store.all(options.organizationId);
      progress.update(newestAttempts(jobs, targets));
      // The map grows as jobs start, so an import with --wait-for-exports can begin before the last job.
      const rows = mapRows(jobs, targets);
      const text = JSON.stringify(rows);
      if (text !== lastMap) {
        writeMapFile(options.mapOut, rows);
        lastMap = text;
      }
    };
    let outcomes: ExportOutcome[];
    try {
      const pollMs = envNumber(io, 'EML_IMPORT_EXPORT_POLL_MS') ?? DEFAULT_POLL_MS;
      outcomes = await runExports(
        api,
        store,
        targets,
        {
          organizationId: options.organizationId,
          bucket: options.bucket,
          prefix: options.prefix,
          kmsKeyArn: options.kmsKey,
          roleArn: options.role,
          maxRunning: options.maxRunning,
          reExport: options.reExport,
          description: 'eml-import: WorkMail to Microsoft 365',
          pollMs,
          maxPollMs: Math.max(pollMs, Math.min(MAX_POLL_MS, pollMs * 12)),
        },
        { log: (line) => progress.log(line), changed: refresh },
        io.signal,
      );
      refresh();
    } catch (error) {
      if (error instanceof ExportFatalError) throw new UsageError(error.message);
      throw explainStorage(error, { kind: 'exports', path: options.state });
    } finally {
      progress.stop();
      store.close();
    }
    io.stdout.write(summary(outcomes, options.mapOut));
    if (io.signal?.aborted) {
      const running = outcomes.filter((o) => o.kind === 'running').length;
      io.stderr.write(`eml-import: interrupted: ${running} export job(s) keep running in WorkMail; run the same command again to follow them (no second job is started for any mailbox)\n`);
      return ExitCode.incomplete;
    }
    return outcomes.every((o) => o.kind === 'completed') ? ExitCode.ok : ExitCode.incomplete;
  } finally {
    api.close();
  }
}

/** One line per mailbox, then the failures with WorkMail's ErrorInfo. */
function summary(outcomes: readonly ExportOutcome[], mapOut: string): string {
  const width = Math.max(...outcomes.map((o) => o.target.email.length));
  const lines = outcomes.map((o) => {
    const where = o.kind === 'completed' || o.kind === 'running' ? (o.row?.s3Uri ?? '') : (o.note ?? '');
    return `${o.kind.padEnd(11)} ${o.target.email.padEnd(width)} -> ${o.target.target}  ${o.row?.jobId ?? '-'}  ${where}`;
  });
  const failed = outcomes.filter((o) => o.kind === 'failed' || o.kind === 'cancelled' || o.kind === 'refused');
  const count = (kind: string): number => outcomes.filter((o) => o.kind === kind).length;
  return [
    ...lines,
    '',
    `${count('completed')} of ${outcomes.length} exported${failed.length ? `, ${failed.length} failed` : ''}${count('running') ? `, ${count('running')} still running` : ''}; map: ${mapOut}`,
    ...(failed.length ? ['', 'Failed exports:', ...failed.map((o) => `  ${o.target.email}: ${o.note ?? 'no reason given'}`)] : []),
    '',
  ].join('\n');
}
