/**
 * What users and Exchange do to a mailbox after the import, and what reconcile must say of it: a draft copy
 * is not an imported message, an unrelated message of the same subject is not the undated one deleted, and a
 * message moved to another folder is named as moved, not sent again.
 */
import { describe, expect, it } from 'vitest';
import { compareFolder, type ComparableSource } from '../../src/run/reconcile/compare.js';
import { nameMovedMissing } from '../../src/run/reconcile/moved.js';
import { verdictText } from '../../src/reports/reconcile/human.js';
import { fingerprint } from '../../src/message/fingerprint.js';
import type { DestinationMessage } from '../../src/destination/types.js';
import type { DestinationLine, ReconcileReport, SourceLine } from '../../src/reports/reconcile/model.js';

function source(subject: string, date: string, messageId: string | null, datedByHeader = true): ComparableSource {
  return { key: `s-${subject}`, subject, date, datedByHeader, messageId, fingerprint: fingerprint(subject, new Date(date)), ledgerState: 'imported', ledgerDestId: null };
}

function dest(id: string, subject: string, sentDateTime: string | null, internetMessageId: string | null, isDraft = false): DestinationMessage {
  return { id, subject, sentDateTime, receivedDateTime: '2026-11-22T14:00:00Z', internetMessageId, isDraft, importFingerprint: null };
}

describe('compareFolder and changes made after the import', () => {
  it('never counts a draft copy as the imported message: the import does not either', () => {
    const s = source('Alpha', '2024-03-04T10:00:00.000Z', '<a@x>');
    const draft = dest('d1', 'Alpha', '2024-03-04T10:00:00Z', '<a@x>', true);
    const result = compareFolder([s], [draft]);
    expect(result.missing).toEqual([s]);
    expect(result.unexpected).toEqual([draft]);
  });

  it('does not take a message with another Message-ID for an undated one by its subject alone', () => {
    const undated = source('Re: status', '2024-03-09T10:00:00.000Z', '<e@x>', false);
    const users = dest('d2', 'Re: status', '2025-06-01T08:00:00Z', '<users-own@contoso>');
    const result = compareFolder([undated], [users]);
    expect(result.matched).toEqual([]);
    expect(result.missing).toEqual([undated]);
    // Exchange without the Message-ID (or with the same one) still pairs on the subject.
    expect(compareFolder([undated], [dest('d3', 'Re: status', '2026-11-22T14:00:00Z', null)]).matched.map((m) => m.by)).toEqual(['undated-subject']);
    // Another id on a copy Exchange dated with its own stamp (sent = received) may be Exchange's own id.
    expect(compareFolder([undated], [dest('d4', 'Re: status', '2026-11-22T14:00:00Z', '<generated@exchange>')]).matched.map((m) => m.by)).toEqual(['undated-subject']);
  });
});

const missingLine: SourceLine = {
  mailbox: 'ann@x.test',
  zip: 'ann.zip',
  entry: 'Inbox/1.eml',
  folder: 'Inbox',
  target: 'inbox',
  subject: 'Alpha',
  date: '2024-03-04T10:00:00.000Z',
  messageId: '<a@x>',
  ledgerState: 'imported',
  ledgerDestinationId: 'old',
};
const movedCopy: DestinationLine = { mailbox: 'ann@x.test', target: 'inbox/Projects', folderPath: 'Inbox/Projects', subject: 'Alpha', sentDateTime: '2024-03-04T10:00:00Z', internetMessageId: '<a@x>', id: 'new' };

function report(over: Partial<ReconcileReport>): ReconcileReport {
  return {
    generatedAt: '2026-11-22T15:00:00.000Z',
    withLedger: true,
    mailboxes: ['ann@x.test'],
    totals: { expected: 2, present: 1, missing: 1, unexpected: 1, drafts: 0, ledgerImportedButAbsent: 1, importedButAltered: 0, inExport: 2, spam: 0, duplicates: 0, excluded: 0, unreadable: 0 },
    folders: [],
    missing: [missingLine],
    unexpected: [movedCopy],
    present: [],
    drafts: [],
    ledgerImportedButAbsent: [missingLine],
    importedButAltered: [],
    warnings: [],
    ...over,
  };
}

describe('a missing message found in another folder', () => {
  it('is named as moved, and the verdict does not tell the admin to import it again', () => {
    const named = nameMovedMissing(report({}));
    expect(named.moved).toEqual([{ source: missingLine, folderPath: 'Inbox/Projects', destinationId: 'new' }]);
    expect(named.totals.missing).toBe(1);
    const verdict = verdictText(named);
    expect(verdict).toMatch(/^Incomplete: 1 expected message missing\. 1 of them are elsewhere in the mailbox/);
    expect(verdict).not.toContain('import again with a new --state');
  });

  it('says the same of a message found in the online archive', () => {
    expect(verdictText(report({ unexpected: [], notInPrimary: [missingLine] }))).not.toContain('import again with a new --state');
  });

  it('leaves a missing message alone when the other copy is another message (other subject)', () => {
    const named = nameMovedMissing(report({ unexpected: [{ ...movedCopy, subject: 'Something else' }] }));
    expect(named.moved).toBeUndefined();
    expect(verdictText(named)).toContain('import again with a new --state');
  });
});

describe('a message in its folder twice', () => {
  it('is named as a second copy, and the verdict says so', () => {
    const s = source('Beta', '2024-03-04T11:00:00.000Z', '<b@x>');
    const first = dest('d1', 'Beta', '2024-03-04T11:00:00Z', '<b@x>');
    const second = dest('d2', 'Beta', '2024-03-04T11:00:00Z', '<b@x>');
    const other = dest('d3', 'Beta', '2024-03-04T11:00:00Z', '<another@x>');
    const result = compareFolder([s], [first, second, other]);
    expect(result.missing).toEqual([]);
    expect(result.unexpected).toEqual([second, other]);
    expect(result.doubled).toEqual([second]);
    const line: DestinationLine = { mailbox: 'ann@x.test', target: 'inbox', folderPath: 'Inbox', subject: 'Beta', sentDateTime: '2024-03-04T11:00:00Z', internetMessageId: '<b@x>', id: 'd2' };
    const complete = report({ totals: { ...report({}).totals, missing: 0, unexpected: 1, ledgerImportedButAbsent: 0 }, missing: [], ledgerImportedButAbsent: [], unexpected: [line], doubled: [line] });
    expect(verdictText(complete)).toMatch(/^Complete, but 1 message is in the destination twice \(listed above\): all 2 expected messages are there\.$/);
  });
});
