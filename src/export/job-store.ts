import { makeFolder } from '../ledger/make-folder.js';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { holdExclusively } from '../ledger/exclusive-lock.js';

// A CommonJS package, loaded with require() (README, Development: start-up).
const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;

/**
 * The record of WorkMail export jobs (exports.db, beside the import ledger in the state folder): one row per
 * attempt to export a mailbox, written before the request goes out, so that a run killed at any point
 * resumes without ever starting a second job for a mailbox. A separate file from state.db because the
 * export runs before (and alongside) imports, possibly on another schedule, and has its own lifecycle.
 */

/**
 * REQUESTED: the row (with its client token) is written and StartMailboxExportJob may or may not have
 * reached WorkMail; sending it again with the same token is safe. REFUSED: WorkMail said no (the user
 * is unknown or disabled); no job exists. The rest are WorkMail's own job states.
 */
export type ExportJobState = 'REQUESTED' | 'REFUSED' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';

export const FINISHED_STATES: ReadonlySet<ExportJobState> = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

export interface ExportJobRow {
  readonly id: number;
  readonly organizationId: string;
  readonly userId: string;
  readonly email: string;
  /** The Microsoft 365 mailbox the export goes to (the email, rewritten). */
  readonly target: string;
  readonly clientToken: string;
  readonly jobId: string | null;
  readonly state: ExportJobState;
  readonly bucket: string;
  readonly prefix: string;
  /** WorkMail's S3Path, as it said it. */
  readonly s3Path: string | null;
  /** The object as s3://bucket/key, resolved from S3Path. */
  readonly s3Uri: string | null;
  readonly errorInfo: string | null;
  readonly estimatedProgress: number | null;
  /** ISO times: when this tool asked, and WorkMail's StartTime and EndTime. */
  readonly requestedAt: string;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  readonly updatedAt: string;
}

export interface JobUpdate {
  readonly state: ExportJobState;
  readonly s3Path?: string | null;
  readonly s3Uri?: string | null;
  readonly errorInfo?: string | null;
  readonly estimatedProgress?: number | null;
  readonly startedAt?: string | null;
  readonly endedAt?: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS export_jobs (
  id INTEGER PRIMARY KEY,
  organization_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  email TEXT NOT NULL,
  target TEXT NOT NULL,
  client_token TEXT NOT NULL UNIQUE,
  job_id TEXT UNIQUE,
  state TEXT NOT NULL,
  bucket TEXT NOT NULL,
  prefix TEXT NOT NULL,
  s3_path TEXT,
  s3_uri TEXT,
  error_info TEXT,
  estimated_progress INTEGER,
  requested_at TEXT NOT NULL,
  started_at TEXT,
  ended_at TEXT,
  updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS export_jobs_user ON export_jobs (organization_id, user_id);
CREATE INDEX IF NOT EXISTS export_jobs_uri ON export_jobs (s3_uri);
`;
const STORE_VERSION = 1;

const COLUMNS = `id, organization_id AS organizationId, user_id AS userId, email, target, client_token AS clientToken,
  job_id AS jobId, state, bucket, prefix, s3_path AS s3Path, s3_uri AS s3Uri, error_info AS errorInfo,
  estimated_progress AS estimatedProgress, requested_at AS requestedAt, started_at AS startedAt,
  ended_at AS endedAt, updated_at AS updatedAt`;

export const EXPORTS_FILE = 'exports.db';

/**
 * Held by the `export` that writes the job record, for as long as it runs: exports.db itself cannot be
 * held exclusively, since an import with --wait-for-exports reads it alongside.
 */
export const EXPORTS_LOCK_FILE = 'exports.lock';

export class ExportJobStore {
  private constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly lock?: BetterSqlite3.Database,
  ) {}

  static open(path: string, options: { readonly readonly?: boolean } = {}): ExportJobStore {
    if (options.readonly) {
      const db = new Database(path, { readonly: true, fileMustExist: true });
      db.pragma('busy_timeout = 5000');
      return new ExportJobStore(db);
    }
    makeFolder(dirname(path));
    const lockPath = join(dirname(path), EXPORTS_LOCK_FILE);
    const lock = new Database(lockPath);
    holdExclusively(lock, lockPath, 'export');
    let db: BetterSqlite3.Database | undefined;
    try {
      db = new Database(path);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 5000');
      db.exec(SCHEMA);
      const version = db.prepare(`SELECT value FROM meta WHERE key = 'version'`).get() as { value: string } | undefined;
      if (!version) db.prepare(`INSERT INTO meta (key, value) VALUES ('version', ?)`).run(String(STORE_VERSION));
      else if (Number(version.value) !== STORE_VERSION) throw new Error(`${path}: export record version ${version.value}, this eml-import reads version ${STORE_VERSION}`);
      return new ExportJobStore(db, lock);
    } catch (error) {
      // Left open (a full disk, another version), the record and its lock stayed held until the process ended.
      if (db?.open) db.close();
      lock.close();
      throw error;
    }
  }

  close(): void {
    this.db.close();
    this.lock?.close();
  }

  /** Every attempt for a mailbox, newest first. */
  jobsFor(organizationId: string, userId: string): ExportJobRow[] {
    return this.db.prepare(`SELECT ${COLUMNS} FROM export_jobs WHERE organization_id = ? AND user_id = ? ORDER BY requested_at DESC, id DESC`).all(organizationId, userId) as ExportJobRow[];
  }

  byJobId(jobId: string): ExportJobRow | null {
    return (this.db.prepare(`SELECT ${COLUMNS} FROM export_jobs WHERE job_id = ?`).get(jobId) as ExportJobRow | undefined) ?? null;
  }

  byId(id: number): ExportJobRow {
    return this.db.prepare(`SELECT ${COLUMNS} FROM export_jobs WHERE id = ?`).get(id) as ExportJobRow;
  }

  /** The newest job that writes (or wrote) this object. */
  latestForUri(s3Uri: string): ExportJobRow | null {
    return (this.db.prepare(`SELECT ${COLUMNS} FROM export_jobs WHERE s3_uri = ? ORDER BY requested_at DESC, id DESC LIMIT 1`).get(s3Uri) as ExportJobRow | undefined) ?? null;
  }

  /** The newest job for each mailbox whose export goes to this Microsoft 365 mailbox. */
  latestForTarget(target: string): ExportJobRow | null {
    return (this.db.prepare(`SELECT ${COLUMNS} FROM export_jobs WHERE lower(target) = lower(?) AND state <> 'REFUSED' ORDER BY requested_at DESC, id DESC LIMIT 1`).get(target) as ExportJobRow | undefined) ?? null;
  }

  all(organizationId: string): ExportJobRow[] {
    return this.db.prepare(`SELECT ${COLUMNS} FROM export_jobs WHERE organization_id = ? ORDER BY requested_at, id`).all(organizationId) as ExportJobRow[];
  }

  /** Written (and committed) before StartMailboxExportJob is sent, with the token that makes resending safe. */
  request(row: { organizationId: string; userId: string; email: string; target: string; clientToken: string; bucket: string; prefix: string }, now: Date): ExportJobRow {
    const at = now.toISOString();
    const info = this.db
      .prepare(`INSERT INTO export_jobs (organization_id, user_id, email, target, client_token, state, bucket, prefix, requested_at, updated_at) VALUES (?, ?, ?, ?, ?, 'REQUESTED', ?, ?, ?, ?)`)
      .run(row.organizationId, row.userId, row.email, row.target, row.clientToken, row.bucket, row.prefix, at, at);
    return this.byId(Number(info.lastInsertRowid));
  }

  /** A job found in WorkMail's own list (started elsewhere, or by a run whose record was lost). */
  adopt(row: { organizationId: string; userId: string; email: string; target: string; jobId: string; bucket: string; prefix: string; startedAt: string | null }, update: JobUpdate, now: Date): ExportJobRow {
    const at = now.toISOString();
    this.db
      .prepare(`INSERT INTO export_jobs (organization_id, user_id, email, target, client_token, job_id, state, bucket, prefix, requested_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(row.organizationId, row.userId, row.email, row.target, `adopted:${row.jobId}`, row.jobId, update.state, row.bucket, row.prefix, row.startedAt ?? at, at);
    const adopted = this.byJobId(row.jobId)!;
    this.update(adopted.id, update, now);
    return this.byId(adopted.id);
  }

  /**
   * Binds a request to the job WorkMail started for it. When that job is already recorded (found in
   * WorkMail's list by an earlier run), the request row is dropped and the recorded one returned.
   */
  started(id: number, jobId: string, now: Date): ExportJobRow {
    const known = this.byJobId(jobId);
    if (known && known.id !== id) {
      this.db.prepare(`DELETE FROM export_jobs WHERE id = ? AND state = 'REQUESTED'`).run(id);
      return known;
    }
    this.db.prepare(`UPDATE export_jobs SET job_id = ?, state = CASE WHEN state = 'REQUESTED' THEN 'RUNNING' ELSE state END, updated_at = ? WHERE id = ?`).run(jobId, now.toISOString(), id);
    return this.byId(id);
  }

  refused(id: number, reason: string, now: Date): ExportJobRow {
    this.db.prepare(`UPDATE export_jobs SET state = 'REFUSED', error_info = ?, updated_at = ? WHERE id = ?`).run(reason, now.toISOString(), id);
    return this.byId(id);
  }

  /** Takes what DescribeMailboxExportJob said; fields it did not say keep their value. */
  update(id: number, update: JobUpdate, now: Date): ExportJobRow {
    this.db
      .prepare(
        `UPDATE export_jobs SET state = ?, s3_path = COALESCE(?, s3_path), s3_uri = COALESCE(?, s3_uri), error_info = COALESCE(?, error_info),
         estimated_progress = COALESCE(?, estimated_progress), started_at = COALESCE(?, started_at), ended_at = COALESCE(?, ended_at), updated_at = ? WHERE id = ?`,
      )
      .run(update.state, update.s3Path ?? null, update.s3Uri ?? null, update.errorInfo ?? null, update.estimatedProgress ?? null, update.startedAt ?? null, update.endedAt ?? null, now.toISOString(), id);
    return this.byId(id);
  }
}
