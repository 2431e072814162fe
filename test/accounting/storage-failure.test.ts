/**
 * Which failures are the disk's, and what the run says of them: told from real errors (SQLite's when a
 * database may grow no further, the kernel's when a device is full), not from made-up codes.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { StorageFailureError, storageFailure, storageProblem } from '../../src/accounting/storage-failure.js';

function caught(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

/** SQLite's own SQLITE_FULL: the database may not grow past a few pages (as a full disk stops it). */
function sqliteFull(): unknown {
  const db = new Database(join(mkdtempSync(join(tmpdir(), 'eml-import-storage-')), 'full.db'));
  db.exec('CREATE TABLE t (x TEXT)');
  db.pragma('max_page_count = 3');
  const error = caught(() => {
    for (let i = 0; i < 100; i++) db.prepare('INSERT INTO t VALUES (?)').run('x'.repeat(1000));
  });
  db.close();
  return error;
}

describe('storage failures', () => {
  it('knows a full disk from SQLite and from the kernel, and nothing else for one', () => {
    expect(storageProblem(sqliteFull())).toBe('the disk is full');
    if (existsSync('/dev/full')) expect(storageProblem(caught(() => writeFileSync('/dev/full', 'x')))).toBe('the disk is full');
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (x TEXT UNIQUE)');
    db.prepare('INSERT INTO t VALUES (?)').run('a');
    const constraint = caught(() => db.prepare('INSERT INTO t VALUES (?)').run('a'));
    expect((constraint as { code: string }).code).toBe('SQLITE_CONSTRAINT_UNIQUE');
    expect(storageProblem(constraint)).toBeUndefined();
    expect(storageProblem(new Error('plain'))).toBeUndefined();
    expect(storageProblem(undefined)).toBeUndefined();
  });

  it('names the ledger, the temporary folder or the file, and says what to do next', () => {
    const full = sqliteFull();
    const state = storageFailure(full, { kind: 'state', path: '/srv/state' });
    expect(state).toBeInstanceOf(StorageFailureError);
    expect(state?.message).toBe(
      'the ledger in /srv/state: the disk is full (SQLITE_FULL); the run stopped. Make room there (or move the state folder, as it is, to a larger disk and give ' +
        'that as --state) and run the same command again: the ledger keeps what was done, and a message whose create was in flight is looked up in the ' +
        'mailbox before it is sent again, so nothing is imported twice.',
    );
    expect(state?.cause).toBe(full);
    expect(storageFailure(full, { kind: 'temporary', path: '/tmp' })?.message).toBe(
      'the temporary ledger in /tmp: the disk is full (SQLITE_FULL); the run stopped. Make room there (or set TMPDIR to a folder on a larger disk) and run it again.',
    );
    const reports = storageFailure(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }), { kind: 'reports', path: '/srv/reports' });
    expect(reports?.message).toMatch(/^the report folder \/srv\/reports: the disk is full \(ENOSPC\); the run stopped\. Make room there \(or give --report a folder on another disk\) and run the same command again/);
    // A file-system error that names its file is told with it.
    const named = storageFailure(Object.assign(new Error('EROFS'), { code: 'EROFS', path: '/srv/reports/report.html' }), { kind: 'reports', path: '/srv/reports' });
    expect(named?.message).toMatch(/^\/srv\/reports\/report\.html: the disk \(or the file\) is read-only \(EROFS\);/);
    expect(storageFailure(full, { kind: 'exports', path: '/srv/state' })?.message).toMatch(
      /^the export job record in \/srv\/state: the disk is full \(SQLITE_FULL\); the run stopped\. .* and run the same command again: it follows the jobs it recorded\.$/,
    );
    expect(storageFailure(new Error('plain'), { kind: 'state', path: '/srv/state' })).toBeUndefined();
  });
});
