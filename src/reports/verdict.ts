/** The one-sentence outcome of a run, shared by the terminal summary and the HTML page. */
import { importedThisRun, type RunReport } from './model.js';
import { formatCount, plural } from './format.js';
import { see } from './notes.js';

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
  // Messages of a mailbox the tenant does not have: one reason each, never "run again".
  const missing = report.missingMailboxes.map((m) => `${plural(m.messages, 'message')} ${report.mode === 'dry-run' ? 'cannot be imported' : 'failed'}: ${m.reason}`);
  const failedOtherwise = t.failed - report.missingMailboxes.reduce((n, m) => n + m.messages, 0);
  if (report.mode === 'dry-run') {
    const found = t.alreadyPresent > 0 ? ` (${formatCount(t.alreadyPresent)} already in the destination, ${formatCount(t.pending)} to upload)` : '';
    // Those of a mailbox the tenant does not have cannot be, whatever the scan thinks of them.
    parts.push(`Dry run: ${formatCount(t.importable - t.failed)} of ${plural(t.messages, 'message')} would be imported${why}${found}`);
    parts.push(...missing);
  } else {
    const done = t.imported + t.alreadyPresent;
    parts.push(
      `Import: ${formatCount(done)} of ${plural(t.importable, 'wanted message')} in the mailbox ` +
        `(${formatCount(importedThisRun(t))} imported in this run, ${formatCount(t.importedEarlier)} imported by an earlier run, ` +
        `${formatCount(t.alreadyPresent)} already in the destination)`,
    );
    if (skipped.length > 0) parts.push(`${skipped.join(', ')} left out`);
    parts.push(...missing);
    if (failedOtherwise > 0) parts.push(`${formatCount(failedOtherwise)} failed (${see('failed.csv', reportDir)})`);
    if (t.pending > 0) parts.push(`${formatCount(t.pending)} pending: run again to finish`);
  }
  const notLanded = report.exportsNotLanded?.length ?? 0;
  if (notLanded > 0) parts.push(`${plural(notLanded, 'mailbox', 'mailboxes')} not imported: the WorkMail export did not land`);
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
  // An export log that disagrees with the zip is a cross-check note, not a warning (see notes.ts).
  if (report.missingMailboxes.length > 0 || (report.exportsNotLanded?.length ?? 0) > 0) return 'bad';
  if (t.unreadable > 0 || (importing && t.pending > 0)) return 'warn';
  return 'good';
}
