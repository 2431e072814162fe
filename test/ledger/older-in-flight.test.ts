/**
 * A ledger written by an eml-import from before attempt_at, left with creates in flight by a run that was
 * killed: the next run must wait out their landing window, not send them again at once (a second copy
 * when the first lands after the look-up).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger/ledger.js';
import { SCHEMA } from '../../src/ledger/schema.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('a ledger from before attempt_at', () => {
  it('keeps when an in-flight create went out (its last change), so its landing window still counts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eml-import-older-'));
    dirs.push(dir);
    const file = join(dir, 'state.db');
    const old = new Database(file);
    old.exec(SCHEMA.replace(/^\s*attempt_at .*\n/m, ''));
    old.prepare(`INSERT INTO meta (key, value) VALUES ('version', '1')`).run();
    old.prepare(`INSERT INTO zips (path, name, mailbox, size) VALUES ('/x/ann.zip', 'ann.zip', 'ann@contoso.com', 1)`).run();
    const insert = old.prepare(`INSERT INTO messages (zip_id, entry, entry_index, folder, kind, size, verdict, state, updated_at) VALUES (1, ?, ?, 'Inbox', 'message', 1, 'importable', ?, ?)`);
    const sentAt = new Date(Date.now() - 2000).toISOString();
    insert.run('a.eml', 0, 'in_flight', sentAt);
    insert.run('b.eml', 1, 'imported', sentAt);
    old.close();

    Ledger.open(file).close();
    const db = new Database(file, { readonly: true });
    const rows = db.prepare(`SELECT entry, attempt_at FROM messages ORDER BY entry_index`).all() as { entry: string; attempt_at: string | null }[];
    db.close();
    expect(rows).toEqual([{ entry: 'a.eml', attempt_at: sentAt }, { entry: 'b.eml', attempt_at: null }]);
  });
});
