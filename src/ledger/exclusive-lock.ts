/**
 * One process at a time on a state folder's SQLite files. A second import on the same folder would send
 * again the messages the first has in flight; a second `export` would start a second job for a mailbox
 * whose first it has not yet recorded. The lock is SQLite's exclusive lock, taken without waiting before
 * anything is written and held until the connection closes; the kernel lets go of it when a process
 * dies, so a killed run is never locked out by what it left.
 */
import type BetterSqlite3 from 'better-sqlite3';

/** What holds the folder: an import (or reconcile) holds the ledger, an export its job record. */
export type StateHolder = 'run' | 'export';

/** The state file is held by another process. Imports no SQLite, so the CLI can name it cheaply. */
export class StateInUseError extends Error {
  constructor(
    readonly path: string,
    holder: StateHolder,
  ) {
    const what = holder === 'run' ? 'run is using this state folder (its ledger is locked)' : 'export is using this state folder (its job record is locked)';
    super(`${path}: another eml-import ${what}; let that one finish, or give this one its own --state`);
    this.name = 'StateInUseError';
  }
}

/** Takes `db`'s exclusive lock now and keeps it until close, or closes `db` and throws StateInUseError. */
export function holdExclusively(db: BetterSqlite3.Database, path: string, holder: StateHolder): void {
  db.pragma('locking_mode = EXCLUSIVE');
  const timeout = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout = 0');
  try {
    // In exclusive locking mode the lock a write transaction takes outlives it.
    db.exec('BEGIN EXCLUSIVE; COMMIT');
  } catch (error) {
    if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
    db.close();
    throw new StateInUseError(path, holder);
  }
  db.pragma(`busy_timeout = ${timeout}`);
}
