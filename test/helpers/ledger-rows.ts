import type { NewEntryRow } from '../../src/ledger/ledger.js';

/** A wanted, dated Inbox message as the scan would add it: entry `i` of zip `zipId`, with `extra` over it. */
export function entryRow(zipId: number, i: number, extra: Partial<NewEntryRow> = {}): NewEntryRow {
  return {
    zipId, entry: `Inbox/${i}.eml`, entryIndex: i, folder: 'Inbox', target: 'Inbox', kind: 'message', subject: `S ${i}`, sender: null,
    date: '2024-01-01T00:00:00.000Z', dateSource: 'date-header', messageId: `<m${i}@x>`, fingerprint: `fp${i}`, size: 100, crc32: i,
    scope: 'Inbox', verdict: 'importable', rule: null, readError: null, ...extra,
  };
}
