import { describe, expect, it } from 'vitest';
import { compareFolder, normalizeMessageId, type ComparableSource } from '../../src/run/reconcile/compare.js';
import { findLeftoverDrafts } from '../../src/run/reconcile/drafts.js';
import { fingerprint } from '../../src/message/fingerprint.js';
import type { DestinationMessage } from '../../src/destination/types.js';
import type { MessageState } from '../../src/ledger/ledger.js';

let nextId = 0;

function source(subject: string, date: string | null, messageId: string | null, ledgerState: MessageState | null = null, ledgerDestId: string | null = null): ComparableSource {
  nextId += 1;
  return { key: `s${nextId}`, subject, date, datedByHeader: date !== null, messageId, fingerprint: fingerprint(subject, date === null ? null : new Date(date)), ledgerState, ledgerDestId };
}

function dest(subject: string, sentDateTime: string | null, internetMessageId: string | null, extra: Partial<DestinationMessage> = {}): DestinationMessage {
  nextId += 1;
  return { id: `d${nextId}`, subject, sentDateTime, receivedDateTime: '2026-11-22T14:00:00Z', internetMessageId, isDraft: false, importFingerprint: null, ...extra };
}

describe('compareFolder', () => {
  it('pairs by subject + sentDateTime and reports nothing missing when all are there', () => {
    const s = [source('Hello', '2024-03-04T10:00:00.000Z', '<1@x>'), source('Plan', '2024-03-05T10:00:00.000Z', '<2@x>')];
    const d = [dest('Plan', '2024-03-05T10:00:00Z', '<2@x>'), dest('Hello', '2024-03-04T10:00:00Z', '<1@x>')];
    const result = compareFolder(s, d);
    expect(result.expected).toBe(2);
    expect(result.matched.map((m) => [m.source.key, m.destination.id, m.by])).toEqual([
      [s[0]!.key, d[1]!.id, 'fingerprint'],
      [s[1]!.key, d[0]!.id, 'fingerprint'],
    ]);
    expect(result.missing).toEqual([]);
    expect(result.unexpected).toEqual([]);
  });

  it('names the missing source message and the unexpected destination message', () => {
    const s = [source('Hello', '2024-03-04T10:00:00.000Z', '<1@x>'), source('Gone', '2024-03-06T10:00:00.000Z', '<3@x>')];
    const d = [dest('Hello', '2024-03-04T10:00:00Z', '<1@x>'), dest('Stranger', '2024-01-01T00:00:00Z', '<9@x>')];
    const result = compareFolder(s, d);
    expect(result.missing.map((m) => m.subject)).toEqual(['Gone']);
    expect(result.unexpected.map((m) => m.subject)).toEqual(['Stranger']);
  });

  it('finds a message that Exchange dated otherwise by Message-ID and subject, whatever the date', () => {
    // Date: Mon, 27 May 2002 10:28:3 +0200 read as 08:28:03Z by the server; a stricter reader fell back to Received.
    const s = [source('List digest', '2002-05-27T09:46:16.000Z', '<d@x>')];
    const d = [dest('List digest', '2002-05-27T08:28:03Z', '<d@x>')];
    const result = compareFolder(s, d);
    expect(result.matched.map((m) => m.by)).toEqual(['message-id']);
    expect(result.missing).toEqual([]);
  });

  it('finds a message whose subject the server decoded and we could not, by Message-ID and the same date', () => {
    const s = [source('=?x-unknown-charset?Q?Hello?= world', '2024-03-04T02:47:40.000Z', '<u@x>')];
    const d = [dest('Hello world', '2024-03-04T02:47:40Z', '<u@x>')];
    expect(compareFolder(s, d).matched.map((m) => m.by)).toEqual(['message-id']);
  });

  it('never takes a distinct message that shares a Message-ID but not the subject for one already there', () => {
    const s = [source('[list] Meeting moved', '2024-03-04T10:05:00.000Z', '<m@x>')];
    const d = [dest('Meeting moved', '2024-03-04T10:00:00Z', '<m@x>')];
    const result = compareFolder(s, d);
    expect(result.matched).toEqual([]);
    expect(result.missing.map((m) => m.subject)).toEqual(['[list] Meeting moved']);
  });

  it('counts by multiset: two source copies against one destination copy leave one missing', () => {
    const s = [source('Same', '2024-03-04T10:00:00.000Z', '<a@x>'), source('Same', '2024-03-04T10:00:00.000Z', '<b@x>')];
    const d = [dest('Same', '2024-03-04T10:00:00Z', '<b@x>')];
    const result = compareFolder(s, d);
    expect(result.matched).toHaveLength(1);
    // The Message-ID decides which one is there.
    expect(result.missing.map((m) => m.messageId)).toEqual(['<a@x>']);
  });

  it('shows a message imported twice as one present and one unexpected copy', () => {
    const s = [source('Twice', '2024-03-04T10:00:00.000Z', '<t@x>')];
    const d = [dest('Twice', '2024-03-04T10:00:00Z', '<t@x>'), dest('Twice', '2024-03-04T10:00:00Z', '<t@x>')];
    const result = compareFolder(s, d);
    expect(result.matched).toHaveLength(1);
    expect(result.unexpected.map((m) => m.id)).toEqual([d[1]!.id]);
  });

  it('normalises the subject Graph returns like the source (whitespace, controls, NFC) and ignores sub-second precision', () => {
    const s = [source('Caf\u00e9  report\t2024', '2024-03-04T10:00:00.789Z', null)];
    const d = [dest(' Cafe\u0301 report 2024 ', '2024-03-04T10:00:00Z', null)];
    const result = compareFolder(s, d);
    expect(result.missing).toEqual([]);
    expect(result.matched[0]?.by).toBe('fingerprint');
  });

  it('uses the named fingerprint property when the destination carries one (JSON path)', () => {
    const s = [source('Original subject', '2024-03-04T10:00:00.000Z', null)];
    // Exchange may have changed what it shows; the property is what the import wrote.
    const d = [dest('Shown differently', '2024-03-04T10:00:07Z', null, { importFingerprint: s[0]!.fingerprint })];
    expect(compareFolder(s, d).matched).toHaveLength(1);
  });

  it('falls back to the Message-ID when Exchange kept another date', () => {
    const s = [source('No Date header', '2024-03-04T09:00:00.000Z', '<r@x>')];
    const d = [dest('No Date header', '2026-11-22T14:00:00Z', 'r@x')];
    const result = compareFolder(s, d);
    expect(result.matched.map((m) => m.by)).toEqual(['message-id']);
    expect(result.unexpected).toEqual([]);
  });

  it('matches an undated source message by subject alone, but a dated one never', () => {
    const undated = source('Undated note', null, null);
    const dated = source('Dated note', '2024-03-04T09:00:00.000Z', null);
    const d = [dest('Undated note', '2026-11-22T14:00:00Z', '<gen1@exchange>'), dest('Dated note', '2026-11-22T14:00:00Z', '<gen2@exchange>')];
    const result = compareFolder([undated, dated], d);
    expect(result.matched.map((m) => [m.source.subject, m.by])).toEqual([['Undated note', 'undated-subject']]);
    expect(result.missing.map((m) => m.subject)).toEqual(['Dated note']);
  });

  it('matches a message dated from its Received header by subject, as Exchange has no Date to keep', () => {
    const received = { ...source('Relayed without Date', '2024-03-09T10:00:00.000Z', null), datedByHeader: false };
    const result = compareFolder([received], [dest('Relayed without Date', null, '<generated@exchange>')]);
    expect(result.matched.map((m) => m.by)).toEqual(['undated-subject']);
  });

  it('treats a folder that does not exist as everything missing', () => {
    const s = [source('A', '2024-03-04T10:00:00.000Z', null, 'imported'), source('B', '2024-03-04T11:00:00.000Z', null, 'pending')];
    const result = compareFolder(s, null);
    expect(result.missing).toHaveLength(2);
    expect(result.ledgerImportedButAbsent.map((m) => m.subject)).toEqual(['A']);
  });

  it('reports imported-per-ledger-but-absent only for rows the ledger says are there, and never without a ledger', () => {
    const withLedger = [source('A', '2024-03-04T10:00:00.000Z', null, 'imported'), source('B', '2024-03-04T11:00:00.000Z', null, 'present'), source('C', '2024-03-04T12:00:00.000Z', null, 'failed')];
    expect(compareFolder(withLedger, []).ledgerImportedButAbsent.map((m) => m.subject)).toEqual(['A', 'B']);
    const without = withLedger.map((s) => ({ ...s, ledgerState: null, ledgerDestId: null }));
    const result = compareFolder(without, []);
    expect(result.ledgerImportedButAbsent).toEqual([]);
    expect(result.missing).toHaveLength(3);
  });
});

describe('imported but altered', () => {
  it('tells a copy whose headers Exchange lost apart from one that is gone, counting both as missing', () => {
    const mangled = dest('', '2026-11-22T14:34:24Z', null);
    const gone = source('Gone', '2024-03-04T11:00:00.000Z', '<g@x>', 'imported', 'AAMk-deleted');
    const altered = source('CR-only line endings', '2024-03-10T23:16:50.000Z', '<c@x>', 'imported', mangled.id);
    const result = compareFolder([gone, altered], [mangled]);
    expect(result.missing).toHaveLength(2);
    expect(result.unexpected).toEqual([mangled]);
    expect(result.importedButAltered.map((a) => [a.source.subject, a.destination.id])).toEqual([['CR-only line endings', mangled.id]]);
    expect(result.ledgerImportedButAbsent.map((s) => s.subject)).toEqual(['Gone']);
  });
});

describe('normalizeMessageId', () => {
  it('strips brackets and whitespace; empty is none', () => {
    expect(normalizeMessageId(' <a@b> ')).toBe('a@b');
    expect(normalizeMessageId('a@b')).toBe('a@b');
    expect(normalizeMessageId('<>')).toBeNull();
    expect(normalizeMessageId(null)).toBeNull();
  });
});

describe('findLeftoverDrafts', () => {
  it('finds drafts by the named property or by subject + date, and ignores unrelated drafts', () => {
    const a = source('Quarterly numbers', '2024-03-04T10:00:00.000Z', '<q@x>');
    const b = source('Travel plans', '2024-03-05T10:00:00.000Z', '<t@x>');
    const drafts = [
      dest('whatever Exchange shows', null, null, { isDraft: true, importFingerprint: a.fingerprint }),
      dest('Travel plans', '2024-03-05T10:00:00Z', '<t@x>', { isDraft: true }),
      dest('My own unsent draft', null, null, { isDraft: true }),
    ];
    const found = findLeftoverDrafts([a, b], drafts);
    expect(found.map((f) => [f.source.subject, f.by])).toEqual([
      ['Quarterly numbers', 'property'],
      ['Travel plans', 'subject-date'],
    ]);
  });
});
