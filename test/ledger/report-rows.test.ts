/** The rows the reports read: every row as the ledger's other look-ups give it, and each report's subset. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Ledger, type MessageRow, type MessageSubset, type NewEntryRow } from '../../src/ledger/ledger.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function row(zipId: number, entryIndex: number, fields: Partial<NewEntryRow> = {}): NewEntryRow {
  return {
    zipId, entry: `Inbox/${entryIndex}.eml`, entryIndex, folder: 'Inbox', target: 'inbox', kind: 'message', subject: `s${entryIndex}`,
    sender: `a${entryIndex}@example.com`, date: '2002-05-27T08:28:03.000Z', dateSource: 'date', headerDefects: entryIndex % 3,
    messageId: `<${entryIndex}@example.com>`, fingerprint: `f${entryIndex}`, size: 100 + entryIndex, crc32: 7 * entryIndex, scope: 'inbox',
    location: { localHeaderOffset: 1000 * entryIndex, compressedSize: 90 + entryIndex, compressionMethod: 8, flags: 2048 },
    verdict: 'importable', rule: null, readError: null, ...fields,
  };
}

/** A ledger holding one row of every kind a report tells apart. */
function ledgerWithEveryKind(): { ledger: Ledger; ids: Map<string, number> } {
  const dir = mkdtempSync(join(tmpdir(), 'eml-import-report-rows-'));
  dirs.push(dir);
  const ledger = Ledger.open(join(dir, 'ledger.db'));
  const zip = ledger.upsertZip({ path: '/x/ann.zip', name: 'ann.zip', mailbox: 'ann@contoso.com', size: 1 });
  ledger.addEntries([
    row(zip.id, 0),
    row(zip.id, 1, { fingerprint: 'f0' }),
    row(zip.id, 2, { verdict: 'spam', rule: 'x-spam-flag' }),
    row(zip.id, 3, { kind: 'unreadable', verdict: 'unreadable', readError: 'CRC mismatch', subject: null, sender: null, date: null, messageId: null, fingerprint: null }),
    row(zip.id, 4),
    row(zip.id, 5),
    row(zip.id, 6, { fingerprint: 'f4', messageId: '<other@example.com>' }),
    row(zip.id, 7, { target: null, scope: null, verdict: 'excluded' }),
  ]);
  const ids = new Map([...ledger.messages()].map((r) => [r.entry, r.id]));
  const id = (n: number): number => ids.get(`Inbox/${n}.eml`)!;
  ledger.applyDuplicateDecisions([{ id: id(1), duplicateOf: id(0) }, { id: id(6), collidesWith: id(4) }]);
  ledger.markFailed(id(5), 'refused', 'no-retry');
  ledger.markImported(id(0), 'dest-0', 'importMime');
  ledger.close();
  const reopened = Ledger.open(join(dir, 'ledger.db'));
  return { ledger: reopened, ids };
}

describe('the rows the reports read', () => {
  it('gives every row with every field as the named look-ups do, in central-directory order', () => {
    const { ledger } = ledgerWithEveryKind();
    const streamed = [...ledger.messages()];
    const named = ledger.messagesOf('ann@contoso.com');
    ledger.close();
    expect(streamed.map((r) => r.entryIndex)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(streamed).toEqual(named);
    // Not all alike: a column read into the wrong field would show.
    expect(new Set(streamed.map((r) => r.verdict))).toEqual(new Set(['importable', 'duplicate', 'spam', 'unreadable', 'excluded']));
    expect(streamed[0]).toMatchObject({ state: 'imported', destId: 'dest-0', method: 'importMime', headerDefects: 0, crc32: 0, size: 100 });
    expect(streamed[5]).toMatchObject({ state: 'failed', lastError: 'refused', errorClass: 'no-retry', size: 105, location: { localHeaderOffset: 5000, compressedSize: 95 } });
  });

  const exactly: Array<[MessageSubset, (r: MessageRow) => boolean]> = [
    ['spam', (r) => r.verdict === 'spam'],
    ['unreadable', (r) => r.verdict === 'unreadable'],
    ['failed', (r) => r.state === 'failed'],
    ['imported', (r) => r.state === 'imported'],
    ['duplicates', (r) => r.verdict === 'duplicate' || r.collision],
  ];
  it.each(exactly)('picks the %s rows and no others', (subset, keep) => {
    const { ledger } = ledgerWithEveryKind();
    const all = [...ledger.messages()];
    const picked = [...ledger.messages(subset)];
    ledger.close();
    expect(picked.length).toBeGreaterThan(0);
    expect(picked).toEqual(all.filter(keep));
  });

  it('picks at least the originals of duplicates and the kept messages a collision shares its fingerprint with', () => {
    const { ledger, ids } = ledgerWithEveryKind();
    const picked = [...ledger.messages('duplicate-partners')].map((r) => r.entry);
    ledger.close();
    expect(ids.size).toBe(8);
    expect(picked).toEqual(['Inbox/0.eml', 'Inbox/4.eml']);
  });
});
