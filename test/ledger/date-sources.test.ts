/** How messages were dated and their header defects, from the scan's rows through a real SQLite ledger to the report. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Ledger, type NewEntryRow } from '../../src/ledger/ledger.js';
import { SCHEMA } from '../../src/ledger/schema.js';
import { buildReport } from '../../src/reports/build-report.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function row(zipId: number, entryIndex: number, dateSource: string | null, headerDefects?: number): NewEntryRow {
  return {
    zipId, entry: `Inbox/${entryIndex}.eml`, entryIndex, folder: 'Inbox', target: 'inbox', kind: 'message', subject: 's', sender: null,
    date: dateSource === 'none' ? null : '2002-05-27T08:28:03.000Z', dateSource, ...(headerDefects === undefined ? {} : { headerDefects }),
    messageId: null, fingerprint: `f${entryIndex}`, size: 10, crc32: entryIndex, scope: 'inbox', verdict: 'importable', rule: null, readError: null,
  };
}

describe('date sources and header defects in the ledger and the report', () => {
  it('counts messages per date source and those with header defects', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eml-import-dates-'));
    dirs.push(dir);
    const ledger = Ledger.open(join(dir, 'ledger.db'));
    const zip = ledger.upsertZip({ path: '/x/ann.zip', name: 'ann.zip', mailbox: 'ann@contoso.com', size: 1 });
    ledger.addEntries([row(zip.id, 0, 'date'), row(zip.id, 1, 'date', 2), row(zip.id, 2, 'date-assumed-zone'), row(zip.id, 3, 'received', 1), row(zip.id, 4, 'none')]);
    const report = buildReport(ledger, 'dry-run');
    ledger.close();
    expect(report.datesBySource).toEqual({ date: 2, 'date-assumed-zone': 1, received: 1, none: 1 });
    expect(report.totals.headerDefects).toBe(2);
  });

  it('adds the header_defects column to a ledger written before it existed, keeping its rows', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eml-import-dates-'));
    dirs.push(dir);
    const file = join(dir, 'ledger.db');
    const old = new Database(file);
    old.exec(SCHEMA.replace(/^\s*header_defects .*\n/m, ''));
    expect((old.prepare(`SELECT name FROM pragma_table_info('messages')`).all() as { name: string }[]).map((c) => c.name)).not.toContain('header_defects');
    old.prepare(`INSERT INTO meta (key, value) VALUES ('version', '1')`).run();
    old.prepare(`INSERT INTO zips (path, name, mailbox, size) VALUES ('/x/ann.zip', 'ann.zip', 'ann@contoso.com', 1)`).run();
    old.prepare(`INSERT INTO messages (zip_id, entry, entry_index, folder, kind, date_source, size, verdict) VALUES (1, 'a.eml', 0, 'Inbox', 'message', 'date', 1, 'importable')`).run();
    old.close();

    const ledger = Ledger.open(file);
    ledger.addEntries([row(1, 1, 'received', 3)]);
    const report = buildReport(ledger, 'dry-run');
    ledger.close();
    expect(report.totals.messages).toBe(2);
    expect(report.totals.headerDefects).toBe(1);
    expect(report.datesBySource).toEqual({ date: 1, received: 1 });
  });
});
