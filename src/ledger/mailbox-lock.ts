/**
 * One import at a time into a mailbox, on this machine. The state folder's lock (exclusive-lock.ts) keeps
 * two runs off one ledger, but two runs with two --state folders (a second terminal, a cron job beside a
 * manual run, a relative --state from another folder) each listed the mailbox before the other's creates
 * landed, and both sent: 297 of 300 messages twice (accidents probe). So each mailbox an import is about to
 * write to is held, for as long as it is imported, with a lock file of its own in a folder of this machine:
 * SQLite's exclusive lock again, which the kernel lets go of when the process dies, so a killed run never
 * locks out its re-run. Held only while the mailbox is imported, so an estate of 5,000 mailboxes holds at
 * most --parallel files at once. Machines are not covered: shards take whole mailboxes, one shard each.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { holdExclusively, StateInUseError } from './exclusive-lock.js';

export interface MailboxLocks {
  /** Holds `mailbox` until the returned release is called; or the sentence saying who holds it. */
  hold(mailbox: string): { release: () => void } | { heldBy: string };
}

/** Who holds a mailbox, written beside its lock: the lock itself cannot be read while it is held. */
interface Holder {
  readonly pid: number;
  readonly state: string;
  readonly since: string;
}

/**
 * Locks for the mailboxes of one destination (`destination`: its Graph URL or cloud, so emulators on two
 * ports, or two clouds, are two destinations), held by a run whose ledger is in `state`.
 */
export function machineMailboxLocks(destination: string, state: string, dir: string = defaultLockDir()): MailboxLocks {
  return {
    hold(mailbox) {
      const file = join(dir, `${createHash('sha256').update(`${destination}\n${mailbox}`).digest('hex').slice(0, 32)}.lock`);
      let db: Database.Database;
      try {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        db = new Database(file);
      } catch {
        // A machine whose temporary folder cannot be written still imports: the lock is a guard, not a need.
        return { release: () => undefined };
      }
      try {
        holdExclusively(db, file, 'run');
      } catch (error) {
        if (!(error instanceof StateInUseError)) {
          db.close();
          return { release: () => undefined };
        }
        return { heldBy: heldBySentence(mailbox, `${file}.holder`) };
      }
      const holder: Holder = { pid: process.pid, state, since: new Date().toISOString() };
      try {
        writeFileSync(`${file}.holder`, JSON.stringify(holder));
      } catch {
        // Only the sentence of a refused run reads it.
      }
      return {
        release: () => {
          rmSync(`${file}.holder`, { force: true });
          db.close();
        },
      };
    },
  };
}

function heldBySentence(mailbox: string, holderFile: string): string {
  let who = 'another eml-import on this machine';
  try {
    const holder = JSON.parse(readFileSync(holderFile, 'utf8')) as Holder;
    who = `another eml-import on this machine (process ${holder.pid}, --state ${holder.state}, since ${holder.since})`;
  } catch {
    // Written just after the lock was taken: a run that started this instant has not written it yet.
  }
  return `${who} is importing into ${mailbox}; two imports into one mailbox at once would both send its messages. Let that one finish, then run this one again (what it imported is recognised, not sent twice)`;
}

/** Per user: a folder another user made in the shared temporary folder could not be written to. */
function defaultLockDir(): string {
  let user = 'user';
  try {
    user = String(userInfo().uid);
  } catch {
    // No user entry (a container's arbitrary uid): one folder for all.
  }
  return join(tmpdir(), `eml-import-mailbox-locks-${user}`);
}
