import { renderSummary } from '../reports/human.js';
import { toJson } from '../reports/json.js';
import { writeReportDir } from '../reports/write-report.js';
import type { RunReport, MessageLine } from '../reports/model.js';
import type { StatsSnapshot } from '../accounting/stats.js';
import type { OutputOptions } from './options.js';
import type { CliIo } from './io.js';

/**
 * Prints the run's result: one JSON object on stdout with --json (nothing else goes to stdout then),
 * else the summary table; and the report folder when asked for.
 */
export async function writeOutputs(report: RunReport, lines: readonly MessageLine[], options: Pick<OutputOptions, 'json' | 'report'>, io: CliIo, run: StatsSnapshot): Promise<void> {
  if (options.json) {
    io.stdout.write(`${JSON.stringify({ ...toJson(report), run: runSection(run) }, null, 2)}\n`);
  } else {
    io.stdout.write(renderSummary(report, { color: io.stdout.isTTY === true && !io.env['NO_COLOR'] }));
  }
  if (options.report) {
    const written = await writeReportDir(options.report, report, [...lines]);
    io.stderr.write(`report written: ${written.join(', ')}\n`);
  }
}

/** The live counters that the ledger does not hold: time, throttling and retries. */
function runSection(run: StatsSnapshot): object {
  return {
    elapsedSeconds: Math.round(run.elapsedMs / 100) / 10,
    errors: run.errors,
    lastError: run.lastError,
    mailboxes: run.mailboxes,
  };
}
