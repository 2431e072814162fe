/** The one-sentence outcome of a run, shared by the terminal summary and the HTML page. */
import type { RunReport } from './model.js';
import { formatCount, plural } from './format.js';

function see(file: string, reportDir: string | undefined): string {
  if (reportDir === undefined) return `listed in ${file} with --report DIR`;
  return reportDir === '' ? `see ${file}` : `see ${reportDir.replace(/\/+$/, '')}/${file}`;
}

/**
 * What happened, in one sentence an admin can paste into a ticket. `reportDir` is where the CSVs are:
 * undefined when no report was written, '' when they sit next to the reader (the HTML page).
 */
export function verdict(report: RunReport, reportDir?: string): string {
  const t = report.totals;
  const parts: string[] = [];
  const skipped = [
    t.spam > 0 ? `${formatCount(t.spam)} spam` : '',
    t.duplicates > 0 ? plural(t.duplicates, 'duplicate') : '',
    t.excluded > 0 ? `${formatCount(t.excluded)} excluded` : '',
  ].filter(Boolean);
  const why = skipped.length > 0 ? ` (${skipped.join(', ')} left out)` : '';
  if (report.mode === 'dry-run') {
    parts.push(`Dry run: ${formatCount(t.importable)} of ${plural(t.messages, 'message')} would be imported${why}`);
  } else {
    const done = t.imported + t.alreadyPresent;
    parts.push(
      `Import: ${formatCount(done)} of ${plural(t.importable, 'wanted message')} in the mailbox ` +
        `(${formatCount(t.imported)} imported, ${formatCount(t.alreadyPresent)} already present)`,
    );
    if (skipped.length > 0) parts.push(`${skipped.join(', ')} left out`);
    if (t.failed > 0) parts.push(`${formatCount(t.failed)} failed (${see('failed.csv', reportDir)})`);
    if (t.pending > 0) parts.push(`${formatCount(t.pending)} pending: run again to finish`);
  }
  if (t.unreadable > 0) parts.push(`${plural(t.unreadable, 'entry', 'entries')} unreadable (${see('messages.csv', reportDir)})`);
  const broken = report.zips.filter((z) => z.archiveError).length;
  if (broken > 0) parts.push(`${plural(broken, 'archive')} with errors`);
  return parts.join('; ') + '.';
}

/** How the run went, for colouring the verdict: a failure, something to look at, or all well. */
export function verdictLevel(report: RunReport): 'good' | 'warn' | 'bad' {
  const t = report.totals;
  const importing = report.mode === 'import';
  if ((importing && t.failed > 0) || report.zips.some((z) => z.archiveError)) return 'bad';
  if (t.unreadable > 0 || (importing && t.pending > 0) || report.zips.some((z) => z.exportLogMismatches.length > 0)) return 'warn';
  return 'good';
}
