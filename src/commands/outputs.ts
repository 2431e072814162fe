import { renderSummary } from '../reports/human.js';
import { plural } from '../reports/format.js';
import { renderMailboxStatuses } from '../reports/mailbox-status.js';
import { reportJsonText } from '../reports/json.js';
import { writeReportDir } from '../reports/write-report.js';
import type { RunReport, MessageLines } from '../reports/model.js';
import { ExitCode } from '../accounting/exit-codes.js';
import type { StatsSnapshot } from '../accounting/stats.js';
import type { RunSettings } from '../run/run-settings.js';
import type { CliIo } from './io.js';
import { StorageFailureError, storageFailure } from '../accounting/storage-failure.js';

/** Written to a file or a pipe, the table need not fit a screen: folder names stay whole. */
const UNLIMITED_WIDTH = 10_000;

/**
 * Prints the run's result: one JSON object on stdout with --json (nothing else goes to stdout then),
 * else the summary table; and the report folder when asked for. The per-message lines are built only
 * then: for 200,000 messages they are the largest thing a run holds in memory.
 */
export async function writeOutputs(report: RunReport, lines: () => MessageLines, options: Pick<RunSettings, 'json' | 'report'>, io: CliIo, run: StatsSnapshot): Promise<void> {
  if (options.json) {
    // Exactly the object report.json holds, so a script can read either.
    io.stdout.write(reportJsonText(report));
  } else {
    io.stdout.write(renderSummary(report, { color: io.stdout.isTTY === true && !io.env['NO_COLOR'], width: io.stdout.isTTY ? (io.stdout.columns ?? 120) : UNLIMITED_WIDTH, reportDir: options.report }));
    io.stdout.write(renderMailboxStatuses(report, options.report));
  }
  const line = runLine(run);
  if (line) io.stderr.write(`${line}\n`);
  if (options.report) {
    let written: string[];
    try {
      written = await writeReportDir(options.report, report, lines());
    } catch (error) {
      throw storageFailure(error, { kind: 'reports', path: options.report }) ?? reportNotWritten(error, options.report);
    }
    io.stderr.write(`report written: ${written.join(', ')}\n`);
  }
}

/** What the ledger does not hold: time, requests, throttling and retries, one line on stderr. */
export function runLine(run: StatsSnapshot): string {
  const boxes = Object.values(run.mailboxes);
  if (boxes.length === 0) return '';
  const sum = (pick: (m: (typeof boxes)[number]) => number): number => boxes.reduce((n, m) => n + pick(m), 0);
  // Wall-clock time, never a sum over parallel requests (or mailboxes): it cannot exceed the run's time.
  const held = run.heldBackMs > 0 ? `, held back by ${boxes.length === 1 ? 'the mailbox' : 'a mailbox'}'s limits for ${(run.heldBackMs / 1000).toFixed(1)} s of that` : '';
  // Creates whose answer was lost, settled once they could no longer land: found there, or sent again.
  const recovered = sum((m) => m.recovered);
  const resent = sum((m) => m.resent);
  const unanswered = recovered + resent === 0 ? '' : `; creates without an answer: ${recovered} recovered (found in the mailbox, in this run or after a restart), ${resent} re-sent`;
  return (
    `Graph: ${plural(sum((m) => m.requests), 'request')} in ${(run.elapsedMs / 1000).toFixed(1)} s${held}, ` +
    `${sum((m) => m.throttled)} answered 429, ${sum((m) => m.retries)} retries${unanswered}` +
    lowered(run)
  );
}

/** Mailboxes whose in-flight limit was lowered after MailboxConcurrency 429s, as `; in flight lowered: a 4→3`. */
function lowered(run: StatsSnapshot): string {
  const changed = Object.entries(run.mailboxes).filter(([, m]) => m.inFlightLoweredTo !== null);
  if (changed.length === 0) return '';
  return `; in flight lowered after MailboxConcurrency 429s: ${changed.map(([upn, m]) => `${upn} ${m.inFlightFrom ?? '?'}→${m.inFlightLoweredTo ?? '?'}`).join(', ')}`;
}

/** The exit status of an import or a dry run, from its report. */
export function exitCodeFor(report: RunReport): number {
  const t = report.totals;
  // A mailbox the tenant does not have is a mistake in --mailbox or the map: a configuration error.
  if (report.missingMailboxes.length > 0) return ExitCode.usage;
  if (t.unreadable > 0) return ExitCode.incomplete;
  if (report.mode === 'import' && (t.failed > 0 || t.pending > 0)) return ExitCode.incomplete;
  return ExitCode.ok;
}

/**
 * Any other file-system refusal under the report folder (it was replaced by a file, its permissions
 * changed, it was removed during the run): the same one sentence and exit 1 as a full disk, not a stack
 * trace and the exit 2 of a command-line mistake, since the run's work is done and kept in the ledger.
 */
function reportNotWritten(error: unknown, dir: string): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('E')) return error;
  return new StorageFailureError(
    `${dir}: the report could not be written there (${(error as Error).message}); the run itself is done and its ledger kept. Give --report a folder this process can write to and run the same command again: nothing is sent twice`,
    { cause: error },
  );
}
