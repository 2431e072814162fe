import { describe, expect, it } from 'vitest';
import { emptyCounts, type Counts, type RunReport, type ZipReport } from '../../src/reports/model.js';
import { mailboxStatuses, renderMailboxStatuses } from '../../src/reports/mailbox-status.js';

function zip(name: string, mailbox: string, counts: Partial<Counts>): ZipReport {
  return { zip: name, path: `/x/${name}`, mailbox, archiveError: null, exportLogMismatches: [], notes: [], totals: { ...emptyCounts(), ...counts } };
}

function report(zips: ZipReport[], mode: RunReport['mode'] = 'import'): RunReport {
  return { mode, generatedAt: '', totals: emptyCounts(), zips, folders: [], spamByRule: {}, messagesPerYear: {}, methods: {}, missingMailboxes: [], datesBySource: {} };
}

describe('mailboxes at the end of an import', () => {
  const zips = [
    zip('a1.zip', 'ann@x', { importable: 10, imported: 10 }),
    zip('a2.zip', 'ann@x', { importable: 5, imported: 3, failed: 2 }),
    zip('b.zip', 'bob@x', { importable: 8, imported: 2, pending: 6 }),
    zip('c.zip', 'cy@x', { importable: 4, imported: 1, alreadyPresent: 3 }),
    zip('d.zip', 'dee@x', { importable: 4, imported: 4, unreadable: 1 }),
  ];

  it('sums a mailbox over its zips and says failed, pending or done with the next step', () => {
    expect(mailboxStatuses(report(zips), 'out').map((s) => [s.mailbox, s.state, s.next])).toEqual([
      ['ann@x', 'failed', '2 of 15 failed (see out/failed.csv): where the error names a cause, fix it, then run the same command again'],
      ['dee@x', 'failed', '1 unreadable in the export (see out/messages.csv): export the mailbox again, or accept them as lost'],
      ['bob@x', 'pending', '6 of 8 not imported yet: run the same command again to go on (the ledger keeps what is done)'],
      ['cy@x', 'done', '4 in place: check with eml-import reconcile'],
    ]);
    expect(renderMailboxStatuses(report(zips))).toMatch(/^Mailboxes: 1 done, 2 failed, 1 pending\n {2}failed {2}ann@x {2}2 of 15 failed/);
    expect(renderMailboxStatuses(report(zips, 'dry-run'))).toBe('');
  });

  it('points at a CSV only where --report wrote one', () => {
    const text = renderMailboxStatuses(report(zips));
    expect(text).toContain('2 of 15 failed (listed in failed.csv with --report DIR)');
    expect(text).not.toContain('see failed.csv');
  });

  it('gives a mailbox the tenant does not have its cause, not a re-run that cannot help', () => {
    const reason = 'mailbox eve@x does not exist in this tenant: check --mailbox or the map';
    const missing = { ...report([zip('e.zip', 'eve@x', { importable: 4, failed: 4 })]), missingMailboxes: [{ mailbox: 'eve@x', messages: 4, reason }] };
    expect(mailboxStatuses(missing).map((s) => [s.state, s.next])).toEqual([['failed', `4 of 4 failed: ${reason}`]]);
    expect(renderMailboxStatuses(missing)).not.toContain('run the same command again');
  });

  it('above a screenful lists what needs action and counts the done ones', () => {
    const many = Array.from({ length: 30 }, (_, i) => zip(`${i}.zip`, `m${String(i).padStart(2, '0')}@x`, i === 7 ? { importable: 3, pending: 3 } : { importable: 3, imported: 3 }));
    const text = renderMailboxStatuses(report(many));
    expect(text).toContain('Mailboxes: 29 done, 0 failed, 1 pending');
    expect(text).toContain('pending m07@x');
    expect(text).not.toContain('m08@x');
    expect(text).toContain('29 done mailboxes not listed');
  });
});
