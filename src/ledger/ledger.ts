import { mkdtempSync, rmSync } from 'node:fs';
import { makeFolder } from './make-folder.js';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { holdExclusively } from './exclusive-lock.js';
import { ADDED_COLUMNS, INDEXES_ON_ADDED_COLUMNS, LEDGER_VERSION, SCHEMA } from './schema.js';
import { FolderWork, type KeyedRow } from './folder-work.js';
import type { MessageRow, MessageState, NewEntryRow } from './rows.js';
import { BREAKDOWN_SQL, FOLDER_COUNTS_SQL, MESSAGE_SUBSET_WHERE, MISSING_MAILBOX_SQL, type BreakdownRow, type MessageSubset } from './report-queries.js';
import type { EntryKind, EntryLocation } from '../source/types.js';
import { NOT_A_MESSAGE_EXTENSIONS } from '../source/zip-size.js';
import { normalizeMessageId } from '../message/fingerprint.js';
import type { Verdict } from '../policy/types.js';
import { mailboxAddress } from '../policy/mailbox-address.js';
import type { UploadMethod } from '../destination/types.js';

// A CommonJS package, loaded with require() (README, Development: start-up).
const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;

export type { MessageRow, MessageState, NewEntryRow } from './rows.js';
export type { MessageSubset } from './report-queries.js';

/** The names of the counts folderCounts() returns, the fields of reports/model.ts's Counts. */
export type CountName =
  | 'messages' | 'importable' | 'spam' | 'duplicates' | 'collisions' | 'calendar' | 'undated' | 'unreadable'
  | 'excluded' | 'bytes' | 'imported' | 'importedEarlier' | 'alreadyPresent' | 'failed' | 'pending' | 'headerDefects';

/** The error class of a wanted message whose mailbox does not exist in the tenant. */
export const MAILBOX_MISSING = 'mailbox-missing';
/** The error class of a mailbox's messages left unsent when the mailbox stopped (full, refused, credential). */
export const MAILBOX_STOPPED = 'mailbox-stopped';

/** The error class of a message created without all its attachments: failed, and never sent again. */
export const PARTIAL_UPLOAD = 'partial-upload';

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
  /** What the export is wherever it lies (source/export-identity.ts); null when it could not be read. */
  readonly identity: string | null;
  /** Where this export was read before it moved or was renamed (its rows came along). */
  readonly previousPath: string | null;
  /** Another zip of this run with the same content: this one is a second copy of it. */
  readonly copyOf: number | null;
  /** What this run found worth saying about the zip, in sentences. */
  readonly notes: readonly string[];
}

/** A wanted, dated message as the dedup pass sees it. */
export interface DedupRow {
  readonly id: number;
  readonly zipId: number;
  readonly scope: string;
  readonly fingerprint: string;
  readonly messageId: string | null;
  readonly subject: string | null;
  readonly sender: string | null;
  readonly crc32: number | null;
  readonly size: number;
  readonly state: MessageState;
  readonly verdict: Verdict;
  readonly duplicateOf: number | null;
  readonly collision: boolean;
  /** Whether its zip is part of this run (else it is here only because it was delivered). */
  readonly inRun: boolean;
}

/**
 * A change the dedup pass makes to one row: a duplicate of an earlier row, a collision with one, or
 * (neither set) wanted on its own again.
 */
export interface DuplicateDecisionRow {
  readonly id: number;
  readonly duplicateOf?: number;
  readonly collidesWith?: number;
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
  header_defects: number;
  message_id: string | null;
  fingerprint: string | null;
  size: number;
  crc32: number | null;
  scope: string | null;
  attempt_at: string | null;
  local_offset: number | null;
  compressed_size: number | null;
  compression: number | null;
  zip_flags: number | null;
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

/** RawMessageRow's columns, in the order rowOfValues reads them. */
const MESSAGE_COLUMNS = [
  'id', 'zip_id', 'entry', 'entry_index', 'folder', 'target', 'kind', 'subject', 'sender', 'date', 'date_source',
  'header_defects', 'message_id', 'fingerprint', 'size', 'crc32', 'scope', 'attempt_at', 'local_offset',
  'compressed_size', 'compression', 'zip_flags', 'verdict', 'rule', 'read_error', 'duplicate_of', 'collision',
  'state', 'dest_id', 'method', 'attempts', 'last_error', 'error_class',
] as const satisfies readonly (keyof RawMessageRow)[];

/**
 * A row of `SELECT ${MESSAGE_COLUMNS}` read as an array. better-sqlite3 builds a named row in C++ one
 * property at a time, which costs twice what reading the values does (1.2-1.5 s against 0.7 s for
 * 150,000 rows); a literal here costs little. Reports read every row several times.
 */
function rowOfValues(v: readonly unknown[]): RawMessageRow {
  return {
    id: v[0], zip_id: v[1], entry: v[2], entry_index: v[3], folder: v[4], target: v[5], kind: v[6], subject: v[7],
    sender: v[8], date: v[9], date_source: v[10], header_defects: v[11], message_id: v[12], fingerprint: v[13],
    size: v[14], crc32: v[15], scope: v[16], attempt_at: v[17], local_offset: v[18], compressed_size: v[19],
    compression: v[20], zip_flags: v[21], verdict: v[22], rule: v[23], read_error: v[24], duplicate_of: v[25],
    collision: v[26], state: v[27], dest_id: v[28], method: v[29], attempts: v[30], last_error: v[31], error_class: v[32],
  } as RawMessageRow;
}

function locationOf(r: RawMessageRow): EntryLocation | null {
  if (r.local_offset === null || r.compressed_size === null || r.compression === null || r.zip_flags === null) return null;
  return { localHeaderOffset: r.local_offset, compressedSize: r.compressed_size, compressionMethod: r.compression, flags: r.zip_flags };
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
    headerDefects: r.header_defects,
    messageId: r.message_id,
    fingerprint: r.fingerprint,
    size: r.size,
    crc32: r.crc32,
    location: locationOf(r),
    scope: r.scope,
    attemptAt: r.attempt_at,
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
  identity: string | null;
  previous_path: string | null;
  copy_of: number | null;
  notes: string | null;
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
    identity: r.identity,
    previousPath: r.previous_path,
    copyOf: r.copy_of,
    notes: r.notes ? (JSON.parse(r.notes) as string[]) : [],
  };
}

const now = (): string => new Date().toISOString();

/** An import markImported has recorded and not yet written. */
interface ImportedRow {
  readonly id: number;
  readonly destId: string;
  readonly method: UploadMethod;
  readonly at: string;
}

/** How long, and for how many rows, imports may wait to be written with the next commit. */
const PUT_OFF_MS = 200;
const MAX_PUT_OFF = 64;

function addMissingColumns(db: BetterSqlite3.Database): void {
  for (const { table, column, type } of ADDED_COLUMNS) {
    const columns = db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[];
    if (columns.some((c) => c.name === column)) continue;
    db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
    // A create an earlier version left in flight went out no later than its row was last changed: without
    // that time the row would count as past its landing window, be looked for at once and, not found yet
    // (the server may still be working on it), be sent a second time.
    if (column === 'attempt_at') db.exec(`UPDATE messages SET attempt_at = COALESCE(updated_at, '${new Date().toISOString()}') WHERE state = 'in_flight'`);
  }
}

/** A ledger written before mailboxes were compared without case keys them as the runs then gave them. */
function spellMailboxesOneWay(db: BetterSqlite3.Database): void {
  const given = db.prepare(`SELECT DISTINCT mailbox FROM zips WHERE mailbox IS NOT NULL`).all() as { mailbox: string }[];
  const respell = db.prepare(`UPDATE zips SET mailbox = ? WHERE mailbox = ?`);
  for (const { mailbox } of given) if (mailboxAddress(mailbox) !== mailbox) respell.run(mailboxAddress(mailbox), mailbox);
}

/**
 * The SQLite ledger. Every state change is one transaction that also appends an event, written with
 * synchronous=NORMAL in WAL mode: a killed process loses nothing (every commit is in the WAL), and a
 * power cut may lose the last commits, which the next run's folder inventory settles, as it does any
 * crash window, without sending anything twice.
 */
export class Ledger {
  readonly #db: BetterSqlite3.Database;

  /** Prepared once per SQL text: preparing costs more than running the small statements of a transition. */
  private readonly statements = new Map<string, BetterSqlite3.Statement>();

  /**
   * One transition's two writes as one transaction, made once: better-sqlite3's transaction() builds a
   * wrapper each time it is called. The imports markImported put off go into the same commit.
   */
  private readonly writeTransition: (imports: readonly ImportedRow[], update: BetterSqlite3.Statement, params: Record<string, unknown>, event: readonly unknown[]) => void;

  /** Imports recorded but not yet written (markImported), and the transaction that writes them alone. */
  private putOff: ImportedRow[] = [];
  private readonly writeImports: (imports: readonly ImportedRow[]) => void;
  private putOffTimer: NodeJS.Timeout | undefined;

  private constructor(
    db: BetterSqlite3.Database,
    /** The temporary folder of a scratch ledger, removed on close. */
    private readonly scratchDir?: string,
  ) {
    this.#db = db;
    const insertEvent = db.prepare(`INSERT INTO events (message, at, state, detail) VALUES (?, ?, ?, ?)`);
    const imported = db.prepare(`UPDATE messages SET state = 'imported', updated_at = ?, dest_id = ?, method = ?, last_error = NULL, error_class = NULL WHERE id = ?`);
    const writeImported = (imports: readonly ImportedRow[]): void => {
      for (const row of imports) {
        imported.run(row.at, row.destId, row.method, row.id);
        insertEvent.run(row.id, row.at, 'imported', row.destId);
      }
    };
    this.writeImports = db.transaction(writeImported);
    this.writeTransition = db.transaction((imports: readonly ImportedRow[], update: BetterSqlite3.Statement, params: Record<string, unknown>, event: readonly unknown[]) => {
      writeImported(imports);
      update.run(params);
      insertEvent.run(...event);
    });
  }

  /** Takes what was put off for `write`, giving it back if the write fails (nothing of it was committed). */
  private withPutOff(write: (imports: readonly ImportedRow[]) => void): void {
    const imports = this.putOff;
    this.putOff = [];
    try {
      write(imports);
    } catch (error) {
      this.putOff = [...imports, ...this.putOff];
      throw error;
    }
  }

  /**
   * The database, for everything but the transitions: what markImported put off is written first, so no
   * read ever sees a row as it stood before its import was recorded.
   */
  private get db(): BetterSqlite3.Database {
    this.writePutOff();
    return this.#db;
  }

  private sql(text: string): BetterSqlite3.Statement {
    this.writePutOff();
    return this.statement(text);
  }

  /** A prepared statement without writing what was put off: for the transitions, which write it themselves. */
  private statement(text: string): BetterSqlite3.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.#db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  private writeLater(): void {
    try {
      this.writePutOff();
    } catch {
      // Kept: the next write or read writes them, and its caller handles the error where it can.
    }
  }

  /** Writes the imports markImported put off, in one transaction. */
  private writePutOff(): void {
    clearTimeout(this.putOffTimer);
    this.putOffTimer = undefined;
    if (this.putOff.length > 0) this.withPutOff(this.writeImports);
  }

  /** Opens (creating when needed) the ledger at `path`; ':memory:' for a small one that needs no file. */
  static open(path: string): Ledger {
    if (path !== ':memory:') makeFolder(dirname(path));
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

  private static init(db: BetterSqlite3.Database, path: string, scratchDir?: string): Ledger {
    try {
      // One run at a time on a state folder (exclusive-lock.ts). Holding the file also spares every commit
      // the lock and unlock calls (six fcntl a commit) and the WAL's shared-memory index, so a scratch ledger
      // is held exclusively too, without the check (bench:ledger-writes: 61-89 µs a message before, 49-56 after).
      if (scratchDir === undefined) holdExclusively(db, path, 'run');
      else db.pragma('locking_mode = EXCLUSIVE');
      db.pragma('journal_mode = WAL');
      db.pragma(scratchDir === undefined ? 'synchronous = NORMAL' : 'synchronous = OFF');
      db.pragma('foreign_keys = ON');
      db.exec(SCHEMA);
      addMissingColumns(db);
      db.exec(INDEXES_ON_ADDED_COLUMNS);
      spellMailboxesOneWay(db);
      const version = db.prepare(`SELECT value FROM meta WHERE key = 'version'`).get() as { value: string } | undefined;
      if (!version) {
        db.prepare(`INSERT INTO meta (key, value) VALUES ('version', ?)`).run(String(LEDGER_VERSION));
      } else if (Number(version.value) !== LEDGER_VERSION) {
        throw new Error(`${path}: ledger version ${version.value}, this eml-import reads version ${LEDGER_VERSION}`);
      }
      return new Ledger(db, scratchDir);
    } catch (error) {
      // Left open, a ledger that could not be set up (a full disk, another version) kept its file, and a
      // state folder's lock, until the process ended.
      if (db.open) db.close();
      throw error;
    }
  }

  /** Closes the file even when what was put off cannot be written (a full disk): that error is thrown after. */
  close(): void {
    try {
      this.writePutOff();
    } finally {
      this.#db.close();
      if (this.scratchDir !== undefined) rmSync(this.scratchDir, { recursive: true, force: true });
    }
  }

  getMeta(key: string): string | null {
    const row = this.sql(`SELECT value FROM meta WHERE key = ?`).get(key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  setMeta(key: string, value: string): void {
    this.sql(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`).run(key, value);
  }

  /** Finds or adds the zip by path alone; a zip already known keeps its id (and its scan) but takes the new mailbox. */
  upsertZip(zip: { path: string; name: string; mailbox: string | null; size: number }): ZipRecord {
    return this.claimZip({ ...zip, identity: null }, () => true);
  }

  /** Whether `zip` was scanned without a single entry read: an archive error before the first entry. */
  private readNothingOf(zip: RawZipRow): boolean {
    if (zip.scanned !== 1 || zip.archive_error === null) return false;
    return this.sql(`SELECT 1 FROM messages WHERE zip_id = ? AND entry_index >= 0 LIMIT 1`).get(zip.id) === undefined;
  }

  /**
   * Finds or adds the zip of this run at `path`, knowing an export by its identity, not only its path:
   * - known at this path with the same identity (or with none recorded): the same zip, resumed;
   * - known at this path with another identity: the file was replaced (`replaced` says so). The old record
   *   is set aside (its delivered rows still count as delivered) and the new content is read afresh;
   * - known by identity at a path outside this run: moved, renamed or downloaded again. It takes over its
   *   rows and resumes, and remembers where it was read before;
   * - known by identity only at paths of this run: a second copy, read on its own; its messages are
   *   duplicates of the first copy's where both go to the same mailbox;
   * - scanned before without a single entry read (it could not be opened at its turn): read again.
   */
  claimZip(zip: { path: string; name: string; mailbox: string | null; size: number; identity: string | null }, inRun: (path: string) => boolean): ZipRecord & { readonly replaced: boolean } {
    const byPath = this.sql(`SELECT * FROM zips WHERE path = ?`).get(zip.path) as RawZipRow | undefined;
    if (byPath !== undefined && this.readNothingOf(byPath)) {
      // Deleted, moved or unreadable at its turn in an earlier run (after the start-up check, or between
      // its identity and its opening): there is nothing to resume, and its archive error was that run's.
      // It is read again, not reported again with an error that may no longer hold.
      this.sql(`DELETE FROM messages WHERE zip_id = ?`).run(byPath.id);
      this.sql(`UPDATE zips SET scanned = 0, archive_error = NULL, identity = NULL WHERE id = ?`).run(byPath.id);
      byPath.identity = null;
    }
    const replaced = byPath !== undefined && zip.identity !== null && byPath.identity !== null && byPath.identity !== zip.identity;
    if (replaced) {
      this.sql(`UPDATE zips SET path = ? WHERE id = ?`).run(`${byPath.path} (replaced, set aside ${now()})`, byPath.id);
    } else if (byPath) {
      this.sql(`UPDATE zips SET mailbox = ?, name = ?, identity = COALESCE(identity, ?), copy_of = NULL, notes = NULL WHERE id = ?`).run(zip.mailbox, zip.name, zip.identity, byPath.id);
      return { ...this.zip(byPath.id), replaced };
    }
    // Only what the choice needs: a run of a thousand copies of one export read every column of every
    // earlier copy for each (2.5 s of a 1,000-zip dry run).
    const sameContent = zip.identity === null ? [] : (this.sql(`SELECT id, path FROM zips WHERE identity = ? ORDER BY id`).all(zip.identity) as Array<Pick<RawZipRow, 'id' | 'path'>>);
    const moved = sameContent.find((z) => !inRun(z.path));
    if (moved) {
      this.sql(`UPDATE zips SET path = ?, name = ?, mailbox = ?, previous_path = ?, copy_of = NULL, notes = NULL WHERE id = ?`).run(zip.path, zip.name, zip.mailbox, moved.path, moved.id);
      return { ...this.zip(moved.id), replaced };
    }
    const copyOf = sameContent[0]?.id ?? null;
    const result = this.sql(`INSERT INTO zips (path, name, mailbox, size, identity, copy_of) VALUES (?, ?, ?, ?, ?, ?)`).run(zip.path, zip.name, zip.mailbox, zip.size, zip.identity, copyOf);
    return { ...this.zip(Number(result.lastInsertRowid)), replaced };
  }

  /**
   * Every zip whose messages an earlier run already put into its mailbox (imported, found, in flight or
   * partly uploaded), with what it is known by (path, size, identity). Were such a zip's rows taken over
   * by another mailbox (the same path sent elsewhere, or the export moved and sent elsewhere), they would
   * count as "imported by an earlier run" into a mailbox that holds none of them.
   */
  settledZips(): Array<{ path: string; mailbox: string; size: number; identity: string | null; settled: number }> {
    return this.sql(
      `SELECT z.path AS path, z.mailbox AS mailbox, z.size AS size, z.identity AS identity,
              SUM(m.state IN ('imported', 'present', 'in_flight') OR (m.state = 'failed' AND m.error_class = '${PARTIAL_UPLOAD}')) AS settled
         FROM zips z JOIN messages m ON m.zip_id = z.id WHERE z.mailbox IS NOT NULL GROUP BY z.id HAVING settled > 0`,
    ).all() as Array<{ path: string; mailbox: string; size: number; identity: string | null; settled: number }>;
  }

  /** Adds a sentence to what the report says about this zip in this run. */
  addZipNote(zipId: number, note: string): void {
    const notes = [...this.zip(zipId).notes, note];
    this.sql(`UPDATE zips SET notes = ? WHERE id = ?`).run(JSON.stringify(notes), zipId);
  }

  zip(id: number): ZipRecord {
    return toZipRecord(this.sql(`SELECT * FROM zips WHERE id = ?`).get(id) as RawZipRow);
  }

  /**
   * What a zip's central directory says of its size (source/zip-size.ts), from its rows: one per file entry
   * of a zip scanned to the end, so the same numbers without reading the zip again.
   */
  entrySizes(zipId: number): { messages: number; messageBytes: number; largestMessageBytes: number } {
    // Names as countsAsMessage takes them; archive-error rows (entry_index < 0) are no entries.
    const notMessages = NOT_A_MESSAGE_EXTENSIONS.map((extension) => `AND lower(entry) NOT LIKE '%${extension}'`).join(' ');
    return this.sql(
      `SELECT COUNT(*) AS messages, COALESCE(SUM(size), 0) AS messageBytes, COALESCE(MAX(size), 0) AS largestMessageBytes
       FROM messages WHERE zip_id = ? AND entry_index >= 0 ${notMessages}`,
    ).get(zipId) as { messages: number; messageBytes: number; largestMessageBytes: number };
  }

  zips(): ZipRecord[] {
    return (this.sql(`SELECT * FROM zips ORDER BY id`).all() as RawZipRow[]).map(toZipRecord);
  }

  /** Records that every entry of the zip has a row (or that the archive could not be read to the end). */
  finishZipScan(zipId: number, result: { archiveError: string | null; exportLog: string | null; exportLogMismatches: readonly string[] }): void {
    this.sql(`UPDATE zips SET scanned = 1, archive_error = ?, export_log = ?, export_log_mismatches = ? WHERE id = ?`).run(result.archiveError, result.exportLog, JSON.stringify(result.exportLogMismatches), zipId);
  }

  /**
   * Forgets the entries of a scanned zip that an outage left unread (read_again), and marks the zip
   * unscanned, so that the scan reads those entries again (the others are kept: addEntries leaves them).
   * Returns how many were forgotten.
   */
  forgetEntriesToReadAgain(zipId: number): number {
    return this.db.transaction(() => {
      const forgotten = this.sql(`DELETE FROM messages WHERE zip_id = ? AND read_again = 1`).run(zipId).changes;
      if (forgotten > 0) this.sql(`UPDATE zips SET scanned = 0 WHERE id = ?`).run(zipId);
      return forgotten;
    })();
  }

  /**
   * Adds scanned entries in one transaction; entries already present (a resumed scan) are left as they are.
   * Parameters are bound by position: binding a row by name (an object, spread per row) cost a third of
   * the insert (this runs for every entry of every zip).
   */
  addEntries(rows: readonly NewEntryRow[]): void {
    const insert = this.sql(
      `INSERT OR IGNORE INTO messages
        (zip_id, entry, entry_index, folder, target, kind, subject, sender, date, date_source, header_defects, message_id, fingerprint, size,
         crc32, scope, verdict, rule, read_error, state, updated_at, local_offset, compressed_size, compression, zip_flags, read_again)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const at = now();
    this.db.transaction(() => {
      for (const r of rows) {
        const state = r.verdict === 'importable' ? 'pending' : 'skipped';
        const where = r.location;
        insert.run(r.zipId, r.entry, r.entryIndex, r.folder, r.target, r.kind, r.subject, r.sender, r.date, r.dateSource, r.headerDefects ?? 0, r.messageId, r.fingerprint, r.size, r.crc32, r.scope, r.verdict, r.rule, r.readError, state, at,
          where?.localHeaderOffset ?? null, where?.compressedSize ?? null, where?.compressionMethod ?? null, where?.flags ?? null, r.readAgain === true ? 1 : null);
      }
    })();
  }

  /** Declares this run's zips, in the order the run gives them: dedup weighs only these and delivered rows. */
  setRunZips(zipIds: readonly number[]): void {
    this.db.exec(`CREATE TEMP TABLE IF NOT EXISTS run_zips (zip_id INTEGER PRIMARY KEY, ord INTEGER NOT NULL)`);
    const insert = this.db.prepare(`INSERT OR IGNORE INTO temp.run_zips (zip_id, ord) VALUES (?, ?)`);
    this.db.transaction(() => {
      this.db.exec(`DELETE FROM temp.run_zips`);
      zipIds.forEach((id, ord) => insert.run(id, ord));
    })();
  }

  /** Rows written before the scope column existed get it now (an older ledger, resumed). */
  fillMissingScopes(scopeOf: (target: string) => string): void {
    const rows = this.db.prepare(`SELECT id, target FROM messages WHERE scope IS NULL AND target IS NOT NULL`).all() as { id: number; target: string }[];
    const update = this.db.prepare(`UPDATE messages SET scope = ? WHERE id = ?`);
    this.db.transaction(() => {
      for (const row of rows) update.run(scopeOf(row.target), row.id);
    })();
  }

  /**
   * What the dedup pass weighs for one mailbox (or, without one, one zip): the dated, wanted messages of
   * this run's zips (setRunZips) and every message already delivered to the mailbox from any zip, grouped
   * by target scope and fingerprint, delivered ones first, then in run order and central-directory order,
   * so that decisions never depend on read order and memory holds one group at a time.
   * Undated messages are left out: a fingerprint without a date is too weak to drop anything on.
   */
  *dedupRows(filter: { mailbox: string } | { zipId: number }): IterableIterator<DedupRow> {
    const where = 'zipId' in filter ? 'z.id = @key' : 'z.mailbox = @key';
    const weighed = `FROM zips z CROSS JOIN messages m ON z.id = m.zip_id LEFT JOIN temp.run_zips r ON r.zip_id = z.id
                     WHERE ${where} AND m.target IS NOT NULL AND m.fingerprint IS NOT NULL AND m.date IS NOT NULL
                       AND m.verdict IN ('importable', 'duplicate')
                       AND (m.state IN ('imported', 'present') OR r.zip_id IS NOT NULL)`;
    // A row alone in its group, wanted and undecided, stays as it is: SQLite finds the groups of more than
    // one, and only their rows and the decided ones (a few percent of a mailbox) become JavaScript objects.
    // The groups come from a GROUP BY of the two keys alone: a window over whole rows sorted every row with
    // all its columns (150,000 small messages: 454-590 ms against 326-475 ms, the same rows).
    const sql = `WITH shared AS (SELECT m.scope, m.fingerprint ${weighed} GROUP BY m.scope, m.fingerprint HAVING COUNT(*) > 1)
                 SELECT m.id, m.zip_id AS zipId, m.scope, m.fingerprint, m.message_id AS messageId, m.subject, m.sender, m.crc32, m.size,
                        m.state, m.verdict, m.duplicate_of AS duplicateOf, m.collision, (r.zip_id IS NOT NULL) AS inRun
                 ${weighed}
                   AND (m.verdict <> 'importable' OR m.collision <> 0 OR m.duplicate_of IS NOT NULL OR (m.scope, m.fingerprint) IN shared)
                 ORDER BY m.scope, m.fingerprint, m.state IN ('imported', 'present') DESC, COALESCE(r.ord, -1), m.zip_id, m.entry_index`;
    const key = 'zipId' in filter ? filter.zipId : filter.mailbox;
    for (const row of this.db.prepare(sql).iterate({ key })) {
      const r = row as Omit<DedupRow, 'collision' | 'inRun'> & { collision: number; inRun: number };
      yield { ...r, collision: r.collision === 1, inRun: r.inRun === 1 };
    }
  }

  /**
   * Applies the dedup pass's changes in one transaction. A collision keeps the message and points
   * `duplicate_of` at the earlier message it shares a fingerprint with, so reports show the pair; a row
   * that is no longer a duplicate (its original is not in this run and was never delivered) is wanted again.
   */
  applyDuplicateDecisions(decisions: readonly DuplicateDecisionRow[]): void {
    const dup = this.sql(`UPDATE messages SET verdict = 'duplicate', state = 'skipped', duplicate_of = ?, collision = 0, rule = 'duplicate' WHERE id = ?`);
    const col = this.sql(`UPDATE messages SET verdict = 'importable', state = CASE WHEN state = 'skipped' THEN 'pending' ELSE state END, collision = 1, duplicate_of = ?, rule = NULL WHERE id = ?`);
    const kept = this.sql(`UPDATE messages SET verdict = 'importable', state = CASE WHEN state = 'skipped' THEN 'pending' ELSE state END, collision = 0, duplicate_of = NULL, rule = NULL WHERE id = ?`);
    this.db.transaction(() => {
      for (const d of decisions) {
        if (d.duplicateOf !== undefined) dup.run(d.duplicateOf, d.id);
        else if (d.collidesWith !== undefined) col.run(d.collidesWith, d.id);
        else kept.run(d.id);
      }
    })();
  }

  /** All rows, or a report's `subset` of them, streamed; ordered by zip then central-directory position. */
  *messages(subset?: MessageSubset): IterableIterator<MessageRow> {
    const where = subset === undefined ? '' : `WHERE ${MESSAGE_SUBSET_WHERE[subset]}`;
    const statement = this.db.prepare(`SELECT ${MESSAGE_COLUMNS.join(', ')} FROM messages ${where} ORDER BY zip_id, entry_index`).raw(true);
    for (const values of statement.iterate()) yield toMessageRow(rowOfValues(values as unknown[]));
  }

  /**
   * Per zip and source folder, every count the reports show (see report-queries.ts). Messages imported
   * before `runStartedAt` (an ISO time) count as imported by an earlier run.
   */
  folderCounts(runStartedAt = ''): Array<{ zipId: number; folder: string } & Record<CountName, number>> {
    return this.sql(FOLDER_COUNTS_SQL).all({ runStartedAt }) as Array<{ zipId: number; folder: string } & Record<CountName, number>>;
  }

  /** Per mailbox the tenant does not have, or that stopped (full, refused): how many wanted messages failed for it, and why. */
  missingMailboxes(): Array<{ mailbox: string; messages: number; reason: string }> {
    return this.sql(MISSING_MAILBOX_SQL).all() as Array<{ mailbox: string; messages: number; reason: string }>;
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
  /** Each zip's source folders, once each: what --include-folder / --exclude-folder globs are checked against. */
  sourceFolders(): Array<{ zipId: number; folder: string }> {
    return this.sql(`SELECT DISTINCT zip_id AS zipId, folder FROM messages`).all() as Array<{ zipId: number; folder: string }>;
  }

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

  /**
   * The open rows of one folder, worked through in SQLite a page at a time (folder-work.ts); `keysOf`
   * names what a listed message must share with a row to be able to pair with it.
   */
  folderWork(mailbox: string, target: string, keysOf: (row: KeyedRow) => readonly string[]): FolderWork {
    return new FolderWork(() => this.db, (raw) => toMessageRow(raw as RawMessageRow), mailbox, target, keysOf);
  }

  /**
   * Rows of one folder whose message was created without all its attachments (JSON path), with its id:
   * each run tries to complete them, so that fixing the cause (a permission, the tenant's message size
   * limit) and running again finishes them, as the report says it will.
   */
  partialFor(mailbox: string, target: string): MessageRow[] {
    const sql = `SELECT m.* FROM zips z CROSS JOIN messages m ON z.id = m.zip_id
                 WHERE z.mailbox = ? AND m.verdict = 'importable' AND m.target = ? AND m.state = 'failed'
                   AND m.error_class = '${PARTIAL_UPLOAD}' AND m.dest_id IS NOT NULL
                 ORDER BY m.zip_id, m.entry_index`;
    return (this.sql(sql).all(mailbox, target) as RawMessageRow[]).map(toMessageRow);
  }

  /** Whether a wanted row of this folder records `destId` as its destination message (in any state). */
  destIdRecorded(mailbox: string, target: string, destId: string): boolean {
    const sql = `SELECT 1 FROM zips z CROSS JOIN messages m ON z.id = m.zip_id
                 WHERE z.mailbox = ? AND m.verdict = 'importable' AND m.target = ? AND m.dest_id = ? LIMIT 1`;
    return this.sql(sql).get(mailbox, target, destId) !== undefined;
  }

  /** Whether a wanted source message of this folder has this Message-ID (with or without its angle brackets). */
  messageIdCarried(mailbox: string, target: string, messageId: string): boolean {
    const bare = normalizeMessageId(messageId);
    if (bare === null) return false;
    const sql = `SELECT 1 FROM zips z CROSS JOIN messages m ON z.id = m.zip_id
                 WHERE z.mailbox = ? AND m.verdict = 'importable' AND m.target = ? AND trim(m.message_id) IN (?, ?) LIMIT 1`;
    return this.sql(sql).get(mailbox, target, bare, `<${bare}>`) !== undefined;
  }

  /** Of `destIds`, those that a settled row of this folder records as its own destination message. */
  settledDestIdsAmong(mailbox: string, target: string, destIds: readonly string[]): Set<string> {
    const found = new Set<string>();
    const statement = this.sql(
      `SELECT m.dest_id AS destId FROM zips z CROSS JOIN messages m ON z.id = m.zip_id
       WHERE z.mailbox = ? AND m.verdict = 'importable' AND m.target = ?
         AND (m.state IN ('imported', 'present') OR (m.state = 'failed' AND m.error_class = '${PARTIAL_UPLOAD}'))
         AND m.dest_id IN (SELECT value FROM json_each(?))`,
    );
    // In slices, so that one query's list stays small whatever the folder holds.
    for (let at = 0; at < destIds.length; at += 500) {
      for (const row of statement.all(mailbox, target, JSON.stringify(destIds.slice(at, at + 500))) as { destId: string }[]) found.add(row.destId);
    }
    return found;
  }

  /**
   * Where a mailbox stands, counted in SQL: the run needs these numbers and the target folders still to
   * settle, not every row of a mailbox that may hold 200,000 messages.
   */
  // openTargets: partly uploaded rows too, which each run tries to complete (partialFor).
  mailboxStanding(mailbox: string): { wanted: number; settled: number; imported: number; present: number; openTargets: string[] } {
    const counts = this.sql(
      `SELECT COUNT(*) AS wanted,
              SUM(m.state = 'imported') AS imported,
              SUM(m.state = 'present') AS present,
              SUM(m.state IN ('imported', 'present') OR (m.state = 'failed' AND m.error_class = '${PARTIAL_UPLOAD}')) AS settled
       FROM zips z CROSS JOIN messages m ON z.id = m.zip_id
       WHERE z.mailbox = ? AND m.verdict = 'importable'`,
    ).get(mailbox) as { wanted: number; imported: number | null; present: number | null; settled: number | null };
    const targets = this.sql(
      `SELECT DISTINCT m.target FROM zips z CROSS JOIN messages m ON z.id = m.zip_id
       WHERE z.mailbox = ? AND m.verdict = 'importable' AND m.target IS NOT NULL
         AND m.state NOT IN ('imported', 'present')
       ORDER BY m.target`,
    ).all(mailbox) as { target: string }[];
    return { wanted: counts.wanted, settled: counts.settled ?? 0, imported: counts.imported ?? 0, present: counts.present ?? 0, openTargets: targets.map((t) => t.target) };
  }

  /** Writes a transition and its event atomically. */
  private transition(id: number, state: MessageState, set: Record<string, unknown>, detail: string | null): void {
    const columns = Object.keys(set);
    const assignments = columns.map((c) => `${c} = @${c}`).join(', ');
    const at = now();
    const update = this.statement(`UPDATE messages SET state = @state, updated_at = @at${assignments ? ', ' + assignments : ''} WHERE id = @id`);
    this.withPutOff((imports) => this.writeTransition(imports, update, { ...set, state, at, id }, [id, at, state, detail]));
  }

  /** Before the create is sent: after a crash this row is looked up in the destination, never resent blindly. */
  markInFlight(id: number, method: UploadMethod, attempts: number): void {
    this.transition(id, 'in_flight', { method, attempts, attempt_at: now() }, method);
  }

  /**
   * The create of an in-flight row went out now, well after markInFlight (it waited for a request slot, a
   * budget or a Retry-After, or was retried): its landing window counts from here. Not a transition.
   */
  markSent(id: number): void {
    this.sql(`UPDATE messages SET attempt_at = ? WHERE id = ?`).run(now(), id);
  }

  /**
   * The create went out and no answer came back: it stays in flight (a kill now leaves it for the next run
   * to re-check), with the method it took and why it is unsure.
   */
  markUnanswered(id: number, method: UploadMethod, error: string): void {
    // The unanswered attempt may have been sent after markInFlight (retries after 429s): it was sent by now.
    this.transition(id, 'in_flight', { method, last_error: error, error_class: 'ambiguous-create', attempt_at: now() }, error);
  }

  /**
   * Recorded now, written with the next write (usually the next upload's markInFlight, in the same commit),
   * before any read, or within PUT_OFF_MS: one commit per message instead of two. A crash before it is
   * written leaves the row in flight, which the next run finds in the destination and settles without
   * sending it again, as it does for a create that went unanswered.
   */
  markImported(id: number, destId: string, method: UploadMethod): void {
    this.putOff.push({ id, destId, method, at: now() });
    if (this.putOff.length >= MAX_PUT_OFF) this.writePutOff();
    else this.putOffTimer ??= setTimeout(() => this.writeLater(), PUT_OFF_MS).unref();
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
   * (that would duplicate it); it stays failed, with its destination id, and each later run adds the
   * attachments it still lacks to that message (partialFor), imported once they are all there.
   */
  markPartial(id: number, destId: string, method: UploadMethod, error: string): void {
    this.transition(id, 'failed', { dest_id: destId, method, last_error: error, error_class: PARTIAL_UPLOAD }, error);
  }

  /**
   * The mailbox does not exist in the tenant: every wanted message of it that is not settled fails with
   * that reason, in one transaction. Nothing was sent, so a later run (after the map is fixed) retries them.
   */
  markMailboxMissing(mailbox: string, reason: string): number {
    return this.failUnsent('', { mailbox, reason, errorClass: MAILBOX_MISSING });
  }

  /**
   * The mailbox stopped mid-run (full, a permission withdrawn, the credential refused): its wanted messages
   * not sent fail with the sentence, so the report says per mailbox why, not "pending: run again", which
   * would fail the same way; the run after the cause is fixed retries them. Rows in flight stay so.
   */
  markMailboxStopped(mailbox: string, reason: string): number {
    return this.failUnsent('', { mailbox, reason, errorClass: MAILBOX_STOPPED });
  }

  /**
   * The target folder could not be found, made or listed (Graph unavailable past every retry): its wanted
   * messages that were not sent fail with that reason, for the next run to retry. Rows left in flight
   * stay so: whether their create landed is for a later listing to say.
   */
  markFolderUnavailable(mailbox: string, target: string, reason: string, errorClass: string): number {
    return this.failUnsent('AND m.target = @target', { mailbox, target, reason, errorClass });
  }

  /** Fails, in one transaction, the mailbox's wanted rows (narrowed by `and`) that were never sent or failed before. */
  private failUnsent(and: string, params: { mailbox: string; target?: string; reason: string; errorClass: string }): number {
    // In SQL, row by row as transition() writes them: the mailbox may hold 200,000 messages.
    const rows = `SELECT m.id FROM zips z CROSS JOIN messages m ON z.id = m.zip_id
                  WHERE z.mailbox = @mailbox AND m.verdict = 'importable' ${and}
                    AND (m.state = 'pending' OR (m.state = 'failed' AND m.error_class IS NOT '${PARTIAL_UPLOAD}'))`;
    const values = { ...params, at: now() };
    return this.db.transaction(() => {
      this.sql(`INSERT INTO events (message, at, state, detail) SELECT id, @at, 'failed', @reason FROM (${rows})`).run(values);
      return this.sql(`UPDATE messages SET state = 'failed', updated_at = @at, last_error = @reason, error_class = @errorClass WHERE id IN (${rows})`).run(values).changes;
    })();
  }

  /** Puts an in-flight or failed row back to pending (e.g. after its lookup found nothing). */
  markPending(id: number, reason: string): void {
    this.transition(id, 'pending', {}, reason);
  }
}
