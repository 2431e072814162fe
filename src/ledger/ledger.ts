import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { LEDGER_VERSION, SCHEMA } from './schema.js';
import { BREAKDOWN_SQL, FOLDER_COUNTS_SQL, type BreakdownRow } from './report-queries.js';
import type { EntryKind } from '../source/types.js';
import type { Verdict } from '../policy/types.js';
import type { UploadMethod } from '../destination/types.js';

/** The names of the counts folderCounts() returns, the fields of reports/model.ts's Counts. */
export type CountName =
  | 'messages' | 'importable' | 'spam' | 'duplicates' | 'collisions' | 'calendar' | 'undated' | 'unreadable'
  | 'excluded' | 'bytes' | 'imported' | 'alreadyPresent' | 'failed' | 'pending';

/** The error class of a message created without all its attachments: failed, and never sent again. */
export const PARTIAL_UPLOAD = 'partial-upload';

/** Where a wanted message stands against the destination. */
export type MessageState = 'pending' | 'in_flight' | 'imported' | 'present' | 'failed' | 'skipped';

export interface ZipRecord {
  readonly id: number;
  readonly path: string;
  readonly name: string;
  readonly mailbox: string | null;
  readonly size: number;
  readonly scanned: boolean;
  readonly archiveError: string | null;
  readonly exportLog: string | null;
  readonly exportLogMismatches: readonly string[];
}

/** One zip entry as the scan saw it: what it is, where it goes and what the policy decided. */
export interface NewEntryRow {
  readonly zipId: number;
  readonly entry: string;
  /** Position in the central directory; negative for an archive-level error that has no entry. */
  readonly entryIndex: number;
  readonly folder: string;
  readonly target: string | null;
  readonly kind: EntryKind;
  readonly subject: string | null;
  readonly sender: string | null;
  readonly date: string | null;
  readonly dateSource: string | null;
  readonly messageId: string | null;
  readonly fingerprint: string | null;
  readonly size: number;
  readonly verdict: Verdict;
  readonly rule: string | null;
  readonly readError: string | null;
}

/** A wanted, dated message as the dedup pass sees it. */
export interface DedupCandidate {
  readonly id: number;
  readonly zipId: number;
  readonly target: string;
  readonly fingerprint: string;
  readonly messageId: string | null;
}

/** What the dedup pass decided for one row: a duplicate of an earlier row, or a collision with one. */
export interface DuplicateDecisionRow {
  readonly id: number;
  readonly duplicateOf?: number;
  readonly collidesWith?: number;
}

export interface MessageRow extends NewEntryRow {
  readonly id: number;
  /** For a duplicate, the row it duplicates; for a collision, the earlier row with the same fingerprint. */
  readonly duplicateOf: number | null;
  /** Kept although an earlier message in the same target folder has its fingerprint (another Message-ID). */
  readonly collision: boolean;
  readonly state: MessageState;
  readonly destId: string | null;
  readonly method: UploadMethod | null;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly errorClass: string | null;
}

interface RawMessageRow {
  id: number;
  zip_id: number;
  entry: string;
  entry_index: number;
  folder: string;
  target: string | null;
  kind: EntryKind;
  subject: string | null;
  sender: string | null;
  date: string | null;
  date_source: string | null;
  message_id: string | null;
  fingerprint: string | null;
  size: number;
  verdict: Verdict;
  rule: string | null;
  read_error: string | null;
  duplicate_of: number | null;
  collision: number;
  state: MessageState;
  dest_id: string | null;
  method: UploadMethod | null;
  attempts: number;
  last_error: string | null;
  error_class: string | null;
}

function toMessageRow(r: RawMessageRow): MessageRow {
  return {
    id: r.id,
    zipId: r.zip_id,
    entry: r.entry,
    entryIndex: r.entry_index,
    folder: r.folder,
    target: r.target,
    kind: r.kind,
    subject: r.subject,
    sender: r.sender,
    date: r.date,
    dateSource: r.date_source,
    messageId: r.message_id,
    fingerprint: r.fingerprint,
    size: r.size,
    verdict: r.verdict,
    rule: r.rule,
    readError: r.read_error,
    duplicateOf: r.duplicate_of,
    collision: r.collision === 1,
    state: r.state,
    destId: r.dest_id,
    method: r.method,
    attempts: r.attempts,
    lastError: r.last_error,
    errorClass: r.error_class,
  };
}

interface RawZipRow {
  id: number;
  path: string;
  name: string;
  mailbox: string | null;
  size: number;
  scanned: number;
  archive_error: string | null;
  export_log: string | null;
  export_log_mismatches: string | null;
}

function toZipRecord(r: RawZipRow): ZipRecord {
  return {
    id: r.id,
    path: r.path,
    name: r.name,
    mailbox: r.mailbox,
    size: r.size,
    scanned: r.scanned === 1,
    archiveError: r.archive_error,
    exportLog: r.export_log,
    exportLogMismatches: r.export_log_mismatches ? (JSON.parse(r.export_log_mismatches) as string[]) : [],
  };
}

const now = (): string => new Date().toISOString();

/**
 * The SQLite ledger. Every state change is one transaction that also appends an event, written with
 * synchronous=NORMAL in WAL mode: a killed process loses nothing (every commit is in the WAL), and a
 * power cut may lose the last commits, which the next run's folder inventory settles, as it does any
 * crash window, without sending anything twice.
 */
export class Ledger {
  private readonly db: Database.Database;

  /** Prepared once per SQL text: preparing costs more than running the small statements of a transition. */
  private readonly statements = new Map<string, Database.Statement>();

  private constructor(
    db: Database.Database,
    /** The temporary folder of a scratch ledger, removed on close. */
    private readonly scratchDir?: string,
  ) {
    this.db = db;
  }

  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  /** Opens (creating when needed) the ledger at `path`; ':memory:' for a small one that needs no file. */
  static open(path: string): Ledger {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    return Ledger.init(new Database(path), path);
  }

  /**
   * A ledger for a run that must leave no trace (a dry run, reconcile's own scan): a file in a new
   * temporary folder, removed with the folder on close. A file rather than ':memory:' because an
   * in-memory database grows with every row (about 430 bytes a message: 21 MB for 50,000, gigabytes for
   * an MSP's whole estate), while a file costs only SQLite's page cache. Nothing here needs to survive a
   * crash, so commits are not synced.
   */
  static openScratch(): Ledger {
    const dir = mkdtempSync(join(tmpdir(), 'eml-import-scratch-'));
    try {
      return Ledger.init(new Database(join(dir, 'ledger.db')), dir, dir);
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  private static init(db: Database.Database, path: string, scratchDir?: string): Ledger {
    db.pragma('journal_mode = WAL');
    db.pragma(scratchDir === undefined ? 'synchronous = NORMAL' : 'synchronous = OFF');
    db.pragma('foreign_keys = ON');
    db.exec(SCHEMA);
    const version = db.prepare(`SELECT value FROM meta WHERE key = 'version'`).get() as { value: string } | undefined;
    if (!version) {
      db.prepare(`INSERT INTO meta (key, value) VALUES ('version', ?)`).run(String(LEDGER_VERSION));
    } else if (Number(version.value) !== LEDGER_VERSION) {
      db.close();
      throw new Error(`${path}: ledger version ${version.value}, this eml-import reads version ${LEDGER_VERSION}`);
    }
    return new Ledger(db, scratchDir);
  }

  close(): void {
    this.db.close();
    if (this.scratchDir !== undefined) rmSync(this.scratchDir, { recursive: true, force: true });
  }

  getMeta(key: string): string | null {
    const row = this.sql(`SELECT value FROM meta WHERE key = ?`).get(key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  setMeta(key: string, value: string): void {
    this.sql(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`).run(key, value);
  }

  /** Finds or adds the zip; a zip already known keeps its id (and its scan) but takes the new mailbox. */
  upsertZip(zip: { path: string; name: string; mailbox: string | null; size: number }): ZipRecord {
    this.sql(
      `INSERT INTO zips (path, name, mailbox, size) VALUES (@path, @name, @mailbox, @size)
       ON CONFLICT(path) DO UPDATE SET mailbox = excluded.mailbox, name = excluded.name`,
    ).run(zip);
    return toZipRecord(this.sql(`SELECT * FROM zips WHERE path = ?`).get(zip.path) as RawZipRow);
  }

  /**
   * Moves the record of a zip whose content was replaced (an S3 object with another ETag) out of the
   * way, to `retiredPath`, so that the zip at `path` is read again as a new one; the old rows stay.
   */
  retireZip(path: string, retiredPath: string): void {
    this.sql(`UPDATE zips SET path = ? WHERE path = ?`).run(retiredPath, path);
  }

  zip(id: number): ZipRecord {
    return toZipRecord(this.sql(`SELECT * FROM zips WHERE id = ?`).get(id) as RawZipRow);
  }

  zips(): ZipRecord[] {
    return (this.sql(`SELECT * FROM zips ORDER BY id`).all() as RawZipRow[]).map(toZipRecord);
  }

  /** Records that every entry of the zip has a row (or that the archive could not be read to the end). */
  finishZipScan(zipId: number, result: { archiveError: string | null; exportLog: string | null; exportLogMismatches: readonly string[] }): void {
    this.sql(`UPDATE zips SET scanned = 1, archive_error = ?, export_log = ?, export_log_mismatches = ? WHERE id = ?`).run(result.archiveError, result.exportLog, JSON.stringify(result.exportLogMismatches), zipId);
  }

  /** Adds scanned entries in one transaction; entries already present (a resumed scan) are left as they are. */
  addEntries(rows: readonly NewEntryRow[]): void {
    const insert = this.sql(
      `INSERT OR IGNORE INTO messages
        (zip_id, entry, entry_index, folder, target, kind, subject, sender, date, date_source, message_id, fingerprint, size,
         verdict, rule, read_error, state, updated_at)
       VALUES (@zipId, @entry, @entryIndex, @folder, @target, @kind, @subject, @sender, @date, @dateSource, @messageId,
         @fingerprint, @size, @verdict, @rule, @readError, @state, @updatedAt)`,
    );
    const at = now();
    this.db.transaction(() => {
      for (const row of rows) {
        insert.run({ ...row, state: row.verdict === 'importable' ? 'pending' : 'skipped', updatedAt: at });
      }
    })();
  }

  /**
   * What the dedup pass needs of the dated, wanted messages of one zip (`zipId`), or of every other zip
   * of `mailbox` already scanned (`otherThan`), in central-directory order so decisions never depend on
   * read order.
   * Undated messages are left out: a fingerprint without a date is too weak to drop anything on.
   */
  *dedupCandidates(filter: { zipId: number } | { mailbox: string; otherThan: number }): IterableIterator<DedupCandidate> {
    const where = 'zipId' in filter ? 'm.zip_id = @zip' : 'z.mailbox = @mailbox AND z.scanned = 1 AND m.zip_id != @zip';
    const sql = `SELECT m.id, m.zip_id AS zipId, m.target, m.fingerprint, m.message_id AS messageId
                 FROM zips z CROSS JOIN messages m ON z.id = m.zip_id
                 WHERE ${where} AND m.verdict = 'importable' AND m.target IS NOT NULL AND m.fingerprint IS NOT NULL AND m.date IS NOT NULL
                 ORDER BY m.zip_id, m.entry_index`;
    const parameters = 'zipId' in filter ? { zip: filter.zipId } : { zip: filter.otherThan, mailbox: filter.mailbox };
    for (const row of this.db.prepare(sql).iterate(parameters)) yield row as DedupCandidate;
  }

  /**
   * Applies the dedup pass's decisions for a zip in one transaction. A collision keeps the message and
   * points `duplicate_of` at the earlier message it shares a fingerprint with, so reports show the pair.
   */
  applyDuplicateDecisions(decisions: readonly DuplicateDecisionRow[]): void {
    const dup = this.sql(`UPDATE messages SET verdict = 'duplicate', state = 'skipped', duplicate_of = ?, rule = 'duplicate' WHERE id = ?`);
    const col = this.sql(`UPDATE messages SET collision = 1, duplicate_of = ? WHERE id = ?`);
    this.db.transaction(() => {
      for (const d of decisions) {
        if (d.duplicateOf !== undefined) dup.run(d.duplicateOf, d.id);
        else if (d.collidesWith !== undefined) col.run(d.collidesWith, d.id);
      }
    })();
  }

  /** All rows, streamed, for reports; ordered by zip then central-directory position. */
  *messages(): IterableIterator<MessageRow> {
    for (const row of this.db.prepare(`SELECT * FROM messages ORDER BY zip_id, entry_index`).iterate()) yield toMessageRow(row as RawMessageRow);
  }

  /** Per zip and source folder, every count the reports show (see report-queries.ts). */
  folderCounts(): Array<{ zipId: number; folder: string } & Record<CountName, number>> {
    return this.sql(FOLDER_COUNTS_SQL).all() as Array<{ zipId: number; folder: string } & Record<CountName, number>>;
  }

  /** Spam per rule, messages per year and imported messages per method, per zip. */
  breakdowns(): BreakdownRow[] {
    return this.sql(BREAKDOWN_SQL).all() as BreakdownRow[];
  }

  /** The zip and entry a row points at with `duplicate_of` (its original, or its collision partner). */
  *duplicatePartners(): IterableIterator<{ id: number; zipId: number; entry: string }> {
    const sql = `SELECT DISTINCT d.id AS id, d.zip_id AS zipId, d.entry AS entry FROM messages m JOIN messages d ON d.id = m.duplicate_of`;
    for (const row of this.db.prepare(sql).iterate()) yield row as { id: number; zipId: number; entry: string };
  }

  /** Every row of the zips that go to `mailbox`, in central-directory order. */
  messagesOf(mailbox: string): MessageRow[] {
    const sql = `SELECT m.* FROM zips z CROSS JOIN messages m ON z.id = m.zip_id WHERE z.mailbox = ? ORDER BY m.zip_id, m.entry_index`;
    return (this.sql(sql).all(mailbox) as RawMessageRow[]).map(toMessageRow);
  }

  /** Entries that could not be read, in every zip. */
  unreadableCount(): number {
    return (this.sql(`SELECT COUNT(*) AS n FROM messages WHERE kind = 'unreadable'`).get() as { n: number }).n;
  }

  /**
   * Wanted rows of the zips that go to `mailbox`, for one target folder or all. Here and in
   * dedupCandidates, CROSS JOIN makes SQLite start from the mailbox's zips: left to itself it took every
   * mailbox's rows of that target (every mailbox has an Inbox) or scanned the whole table, so that each
   * query cost what the ledger holds, not what the mailbox holds (npm run bench:ledger).
   */
  wantedFor(mailbox: string, target?: string): MessageRow[] {
    const sql = `SELECT m.* FROM zips z CROSS JOIN messages m ON z.id = m.zip_id
                 WHERE z.mailbox = ? AND m.verdict = 'importable' ${target === undefined ? '' : 'AND m.target = ?'}
                 ORDER BY m.zip_id, m.entry_index`;
    const args = target === undefined ? [mailbox] : [mailbox, target];
    return (this.sql(sql).all(...args) as RawMessageRow[]).map(toMessageRow);
  }

  /** Writes a transition and its event atomically. */
  private transition(id: number, state: MessageState, set: Record<string, unknown>, detail: string | null): void {
    const columns = Object.keys(set);
    const assignments = columns.map((c) => `${c} = @${c}`).join(', ');
    const at = now();
    this.db.transaction(() => {
      this.sql(`UPDATE messages SET state = @state, updated_at = @at${assignments ? ', ' + assignments : ''} WHERE id = @id`).run({ ...set, state, at, id });
      this.sql(`INSERT INTO events (message, at, state, detail) VALUES (?, ?, ?, ?)`).run(id, at, state, detail);
    })();
  }

  /** Before the create is sent: after a crash this row is looked up in the destination, never resent blindly. */
  markInFlight(id: number, method: UploadMethod, attempts: number): void {
    this.transition(id, 'in_flight', { method, attempts }, method);
  }

  markImported(id: number, destId: string, method: UploadMethod): void {
    this.transition(id, 'imported', { dest_id: destId, method, last_error: null, error_class: null }, destId);
  }

  /** Found in the destination already (an earlier run elsewhere, Microsoft's own migration, or our crash window). */
  markPresent(id: number, destId: string): void {
    this.transition(id, 'present', { dest_id: destId }, destId);
  }

  markFailed(id: number, error: string, errorClass: string): void {
    this.transition(id, 'failed', { last_error: error, error_class: errorClass }, error);
  }

  /**
   * The message exists in the destination but without all of its attachments. It is never created again
   * (that would duplicate it); it stays failed, with its destination id, for the admin to look at.
   */
  markPartial(id: number, destId: string, method: UploadMethod, error: string): void {
    this.transition(id, 'failed', { dest_id: destId, method, last_error: error, error_class: PARTIAL_UPLOAD }, error);
  }

  /** Puts an in-flight or failed row back to pending (e.g. after its lookup found nothing). */
  markPending(id: number, reason: string): void {
    this.transition(id, 'pending', {}, reason);
  }
}
