import { describe, expect, it } from 'vitest';
import { bucketSource } from '../../src/run/reconcile/source.js';
import { encodeTarget } from '../../src/policy/target.js';
import type { MessageRow } from '../../src/ledger/ledger.js';
import type { Verdict } from '../../src/policy/types.js';

let nextId = 0;

function row(folder: string, verdict: Verdict, target: string[] | null, over: Partial<MessageRow> = {}): MessageRow {
  nextId += 1;
  return {
    id: nextId,
    zipId: 1,
    entry: `${folder}/${nextId}.eml`,
    entryIndex: nextId,
    folder,
    target: target === null ? null : encodeTarget(target),
    kind: 'message',
    subject: `Subject ${nextId}`,
    sender: null,
    date: '2024-03-04T10:00:00.000Z',
    dateSource: 'date',
    messageId: `<${nextId}@x>`,
    fingerprint: `fp${nextId}`,
    size: 100,
    crc32: null,
    scope: null,
    verdict,
    rule: null,
    readError: null,
    duplicateOf: null,
    collision: false,
    state: verdict === 'importable' ? 'imported' : 'skipped',
    destId: null,
    method: null,
    attempts: 0,
    lastError: null,
    errorClass: null,
    attemptAt: null,
    ...over,
  };
}

const context = { zipName: () => 'ann.zip', ledger: () => null };

describe('bucketSource', () => {
  it('counts spam and excluded rows with the folder most of their source folder goes to', () => {
    const buckets = bucketSource(
      [
        row('Inbox', 'importable', ['inbox']),
        row('Inbox', 'importable', ['inbox']),
        row('Inbox', 'spam', null),
        row('Inbox', 'duplicate', ['inbox']),
        // archive-before split one old message off to Archive: the spam still counts with Inbox.
        row('Inbox', 'importable', ['archive', 'Inbox']),
      ],
      context,
    );
    const inbox = buckets.find((b) => b.target === encodeTarget(['inbox']));
    expect(inbox).toMatchObject({ inExport: 4, spam: 1, duplicates: 1, sourceFolders: ['Inbox'] });
    expect(inbox?.wanted).toHaveLength(2);
    expect(buckets.find((b) => b.target === encodeTarget(['archive', 'Inbox']))).toMatchObject({ inExport: 1, spam: 0 });
  });

  it('gives a source folder with nothing wanted a row of its own, without a target', () => {
    const buckets = bucketSource([row('Junk E-mail', 'spam', null), row('Junk E-mail', 'spam', null), row('Inbox', 'importable', ['inbox'])], context);
    expect(buckets.find((b) => b.target === null)).toMatchObject({ sourceFolders: ['Junk E-mail'], inExport: 2, spam: 2, wanted: [] });
  });

  it('lists a folder before its subfolders, and Inbox first', () => {
    const buckets = bucketSource(
      [row('Inbox/Projects', 'importable', ['inbox', 'Projects']), row('Archive', 'importable', ['archive']), row('Inbox', 'importable', ['inbox']), row('03_März', 'importable', ['03_März'])],
      context,
    );
    expect(buckets.map((b) => b.sourceFolders[0])).toEqual(['Inbox', 'Inbox/Projects', '03_März', 'Archive']);
  });

  it('puts targets that differ only in case into one destination folder, as Exchange does', () => {
    const buckets = bucketSource([row('Projects', 'importable', ['Projects']), row('projects', 'importable', ['projects'])], context);
    expect(buckets).toHaveLength(1);
    expect(buckets[0]?.wanted).toHaveLength(2);
  });

  it('leaves calendar items and unreadable entries out of the message counts', () => {
    const buckets = bucketSource([row('Inbox', 'importable', ['inbox']), row('Inbox', 'calendar', null, { kind: 'calendar' }), row('Inbox', 'unreadable', null, { kind: 'unreadable' })], context);
    expect(buckets).toHaveLength(1);
    expect(buckets[0]).toMatchObject({ inExport: 1, spam: 0 });
  });

  it('marks a date taken from Received as not the Date header', () => {
    const [bucket] = bucketSource([row('Inbox', 'importable', ['inbox'], { dateSource: 'received' })], context);
    expect(bucket?.wanted[0]?.datedByHeader).toBe(false);
  });

  it('counts a Date header whose zone was assumed as the Date header: the destination reads it too', () => {
    const [bucket] = bucketSource([row('Inbox', 'importable', ['inbox'], { dateSource: 'date-assumed-zone' }), row('Inbox', 'importable', ['inbox'], { dateSource: 'date' })], context);
    expect(bucket?.wanted.map((m) => m.datedByHeader)).toEqual([true, true]);
  });
});
