/**
 * The end of an import, per mailbox: done, failed or pending, each with the next step, so an admin of a
 * hundred mailboxes knows which to act on. Above a screenful the done ones are counted, not listed.
 */
import { emptyCounts, type Counts, type RunReport } from './model.js';
import { formatCount } from './format.js';
import { terminalSafe } from './text-width.js';
import { see } from './notes.js';

export type MailboxState = 'failed' | 'pending' | 'done';

export interface MailboxStatus {
  readonly mailbox: string;
  readonly state: MailboxState;
  readonly counts: Counts;
  readonly next: string;
}

/** Rows listed per state before "… and N more". */
const LIST_LIMIT = 50;
/** Up to this many mailboxes, every one is listed, done ones included. */
const LIST_ALL = 20;

/** `reportDir` is where the CSVs are, as for the verdict: without --report there are none to point at. */
export function mailboxStatuses(report: RunReport, reportDir?: string): MailboxStatus[] {
  const byMailbox = new Map<string, Counts>();
  for (const zip of report.zips) {
    if (zip.mailbox === null) continue;
    const counts = byMailbox.get(zip.mailbox) ?? emptyCounts();
    for (const key of Object.keys(counts) as Array<keyof Counts>) counts[key] += zip.totals[key];
    byMailbox.set(zip.mailbox, counts);
  }
  const order: Record<MailboxState, number> = { failed: 0, pending: 1, done: 2 };
  // A mailbox the tenant does not have: running again cannot help, only the cause can be fixed.
  const missing = new Map(report.missingMailboxes.map((m) => [m.mailbox, m.reason]));
  // A mailbox whose export did not land has no zip in the ledger: its row says why and what to do.
  const notLanded: MailboxStatus[] = (report.exportsNotLanded ?? []).map((e) => ({ mailbox: e.mailbox, state: 'failed', counts: emptyCounts(), next: `export not imported (${e.reason}): ${e.next}` }));
  return [...notLanded, ...[...byMailbox]
    .map(([mailbox, c]): MailboxStatus => {
      const reason = missing.get(mailbox);
      if (reason !== undefined) return { mailbox, state: 'failed', counts: c, next: `${formatCount(c.failed)} of ${formatCount(c.importable)} failed: ${reason}` };
      if (c.failed > 0) {
        // Not "run again to retry them": some failures no run can get past (a body over Graph's 4 MB request
        // limit, a message refused as it is), and the error of each says which.
        return { mailbox, state: 'failed', counts: c, next: `${formatCount(c.failed)} of ${formatCount(c.importable)} failed (${see('failed.csv', reportDir)}): where the error names a cause, fix it, then run the same command again` };
      }
      if (c.pending > 0) {
        return { mailbox, state: 'pending', counts: c, next: `${formatCount(c.pending)} of ${formatCount(c.importable)} not imported yet: run the same command again to go on (the ledger keeps what is done)` };
      }
      if (c.unreadable > 0) {
        return { mailbox, state: 'failed', counts: c, next: `${formatCount(c.unreadable)} unreadable in the export (${see('messages.csv', reportDir)}): export the mailbox again, or accept them as lost` };
      }
      return { mailbox, state: 'done', counts: c, next: `${formatCount(c.imported + c.alreadyPresent)} in place: check with eml-import reconcile` };
    })]
    .sort((a, b) => order[a.state] - order[b.state] || (a.mailbox < b.mailbox ? -1 : a.mailbox > b.mailbox ? 1 : 0));
}

export function renderMailboxStatuses(report: RunReport, reportDir?: string): string {
  if (report.mode !== 'import') return '';
  const statuses = mailboxStatuses(report, reportDir);
  if (statuses.length === 0) return '';
  const count = (state: MailboxState): number => statuses.filter((s) => s.state === state).length;
  const out = [`Mailboxes: ${count('done')} done, ${count('failed')} failed, ${count('pending')} pending`];
  const width = Math.min(40, Math.max(...statuses.map((s) => s.mailbox.length)));
  for (const state of ['failed', 'pending', 'done'] as const) {
    const rows = statuses.filter((s) => s.state === state);
    if (state === 'done' && statuses.length > LIST_ALL) continue;
    for (const s of rows.slice(0, LIST_LIMIT)) out.push(`  ${state.padEnd(7)} ${terminalSafe(s.mailbox).padEnd(width)}  ${s.next}`);
    if (rows.length > LIST_LIMIT) out.push(`  … and ${rows.length - LIST_LIMIT} more ${state} (the report lists every zip)`);
  }
  if (statuses.length > LIST_ALL && count('done') > 0) out.push(`  ${count('done')} done mailboxes not listed: check them with eml-import reconcile`);
  return `${out.join('\n')}\n`;
}
