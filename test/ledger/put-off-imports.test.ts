import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Ledger } from '../../src/ledger/ledger.js';
import { entryRow } from '../helpers/ledger-rows.js';

const MAILBOX = 'ann@contoso.onmicrosoft.com';

/**
 * What is on disk: what a killed process would leave. The running ledger holds its file exclusively, so
 * the file and its write-ahead log are copied as they stand and the copy is opened, as the next run would
 * open them (SQLite recovers the committed transactions from the log).
 */
function statesOnDisk(path: string): string[] {
  const copy = mkdtempSync(join(tmpdir(), 'eml-import-on-disk-'));
  try {
    copyFileSync(path, join(copy, 'state.db'));
    if (existsSync(`${path}-wal`)) copyFileSync(`${path}-wal`, join(copy, 'state.db-wal'));
    const db = new Database(join(copy, 'state.db'));
    try {
      return (db.prepare(`SELECT state FROM messages ORDER BY entry_index`).all() as { state: string }[]).map((r) => r.state);
    } finally {
      db.close();
    }
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

describe('imports are written with the next commit, not in one of their own', () => {
  let dir: string;
  let path: string;
  let ledger: Ledger;
  let ids: number[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'eml-import-put-off-'));
    path = join(dir, 'state.db');
    ledger = Ledger.open(path);
    const zip = ledger.upsertZip({ path: '/exports/ann.zip', name: 'ann.zip', mailbox: MAILBOX, size: 1 });
    ledger.addEntries([0, 1, 2].map((i) => entryRow(zip.id, i)));
    ids = ledger.messagesOf(MAILBOX).map((row) => row.id);
  });
  afterEach(() => {
    ledger.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves an import unwritten until the next upload goes in flight, then commits both', () => {
    ledger.markInFlight(ids[0]!, 'importMime', 1);
    ledger.markImported(ids[0]!, 'dest-0', 'importMime');
    // A process killed now leaves the row in flight: the next run looks for it before sending anything.
    expect(statesOnDisk(path)).toEqual(['in_flight', 'pending', 'pending']);
    ledger.markInFlight(ids[1]!, 'importMime', 1);
    expect(statesOnDisk(path)).toEqual(['imported', 'in_flight', 'pending']);
  });

  it('writes what was put off before any read, so the ledger never shows a row as it stood before', () => {
    ledger.markInFlight(ids[0]!, 'importMime', 1);
    ledger.markImported(ids[0]!, 'dest-0', 'importMime');
    const row = ledger.messagesOf(MAILBOX).find((r) => r.id === ids[0]);
    expect(row).toMatchObject({ state: 'imported', destId: 'dest-0', method: 'importMime', lastError: null });
    expect(statesOnDisk(path)[0]).toBe('imported');
  });

  it('writes it within a moment when nothing else comes, and on close', async () => {
    ledger.markInFlight(ids[0]!, 'importMime', 1);
    ledger.markInFlight(ids[1]!, 'importMime', 1);
    ledger.markImported(ids[0]!, 'dest-0', 'importMime');
    await sleep(600);
    expect(statesOnDisk(path)).toEqual(['imported', 'in_flight', 'pending']);
    ledger.markImported(ids[1]!, 'dest-1', 'importMime');
    ledger.close();
    expect(statesOnDisk(path)).toEqual(['imported', 'imported', 'pending']);
    ledger = Ledger.open(path);
  });

  it('keeps each import in the event history, in order', () => {
    ledger.markInFlight(ids[0]!, 'importMime', 1);
    ledger.markImported(ids[0]!, 'dest-0', 'importMime');
    ledger.markInFlight(ids[1]!, 'importMime', 1);
    ledger.close();
    const db = new Database(path, { readonly: true });
    const events = db.prepare(`SELECT message, state FROM events ORDER BY id`).all();
    db.close();
    expect(events).toEqual([
      { message: ids[0], state: 'in_flight' },
      { message: ids[0], state: 'imported' },
      { message: ids[1], state: 'in_flight' },
    ]);
    ledger = Ledger.open(path);
  });
});
