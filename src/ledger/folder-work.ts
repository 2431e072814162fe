import type Database from 'better-sqlite3';
import type { MessageRow } from './rows.js';

/**
 * How many ledger rows of one folder the import reads at once, and a hook told the size of each read.
 * A folder may hold 200,000 messages still to import; memory is to follow what is in flight, so rows come
 * out of SQLite a page at a time. A page is what a mailbox holds of its rows while it uploads: at about
 * 300 bytes a row (measured with typical subjects and ids), 250 rows are 75 KB, where 2,000 were 0.6 MB a
 * mailbox of a large folder, 19 MB at 32 mailboxes; it costs a query every 250 uploads instead of every
 * 2,000. Tests set a small page and count what each read returned.
 */
export const folderPaging: { pageSize: number; onRowsRead: ((count: number) => void) | undefined } = {
  pageSize: 250,
  onRowsRead: undefined,
};

/** Still to settle: what the import matches against the listing or uploads (isUnsettled in import-mailbox.ts). */
const OPEN = `(m.state IN ('pending', 'in_flight') OR (m.state = 'failed' AND m.error_class <> 'partial-upload'))`;

/** A create went out for the row and no answer settled it. */
const UNANSWERED = `(m.state = 'in_flight' OR (m.state = 'failed' AND m.error_class = 'ambiguous-create'))`;

let scopes = 0;

/**
 * A 53-bit hash of a key (cyrb53), what the key table holds: an integer indexes at a fraction of the cost
 * of the text (600,000 keys for a folder of 200,000). Two keys that collide only make a listed message a
 * candidate, or a row part of the comparison, that is not: the comparison decides on the keys themselves.
 */
export function keyHash(key: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** What a row's look-up keys are made of. */
export interface KeyedRow {
  readonly id: number;
  readonly entryIndex: number;
  readonly fingerprint: string | null;
  readonly messageId: string | null;
  readonly subject: string | null;
}

/**
 * One target folder's open rows, worked through in SQLite rather than held: their look-up keys go to a
 * temporary table (in SQLite's temporary file, not the heap), and the rows to upload are fixed, in upload
 * order, in another, then read back a page at a time. Several folders (of several mailboxes) share the
 * tables, each under its own scope; close() drops its share.
 */
export class FolderWork {
  private readonly scope = ++scopes;
  private indexed = false;

  constructor(
    /** The ledger's database, handed out once the writes the ledger put off are in (Ledger.markImported). */
    private readonly database: () => Database.Database,
    private readonly toRow: (raw: unknown) => MessageRow,
    private readonly mailbox: string,
    private readonly target: string,
    private readonly keysOf: (row: KeyedRow) => readonly string[],
  ) {
    this.db.exec(`CREATE TEMP TABLE IF NOT EXISTS folder_keys (scope INTEGER NOT NULL, hash INTEGER NOT NULL, row_id INTEGER NOT NULL);
             CREATE INDEX IF NOT EXISTS temp.folder_keys_by_hash ON folder_keys (scope, hash);
             CREATE TEMP TABLE IF NOT EXISTS folder_queue (seq INTEGER PRIMARY KEY, scope INTEGER NOT NULL, row_id INTEGER NOT NULL);`);
  }

  private get db(): Database.Database {
    return this.database();
  }

  private read(sql: string, ...params: unknown[]): MessageRow[] {
    const rows = (this.db.prepare(sql).all(...params) as unknown[]).map(this.toRow);
    folderPaging.onRowsRead?.(rows.length);
    return rows;
  }

  /**
   * Writes every open row's keys, reading the rows a page at a time in (zip, entry) order. Done on the
   * first look-up only: a folder whose listing is empty (a new one) needs none.
   */
  private index(): void {
    if (this.indexed) return;
    this.indexed = true;
    // One statement per page: a call into SQLite per key cost more than the inserts themselves.
    const insert = this.db.prepare(`INSERT INTO folder_keys (scope, hash, row_id) SELECT ?, value ->> 0, value ->> 1 FROM json_each(?)`);
    const write = (rows: readonly KeyedRow[]): void => {
      const pairs = rows.flatMap((row) => [...new Set(this.keysOf(row).map(keyHash))].map((hash) => [hash, row.id]));
      if (pairs.length > 0) insert.run(this.scope, JSON.stringify(pairs));
    };
    const zips = this.db.prepare(`SELECT id FROM zips WHERE mailbox = ? ORDER BY id`).all(this.mailbox) as { id: number }[];
    // Per zip and by entry_index, so that each page is a range of the (zip_id, entry_index) index.
    // Only what the keys are made of: reading whole rows cost most of the time.
    const page = this.db.prepare(`SELECT m.id, m.entry_index AS entryIndex, m.fingerprint, m.message_id AS messageId, m.subject FROM messages m WHERE m.zip_id = ? AND m.entry_index > ? AND m.verdict = 'importable' AND m.target = ? AND ${OPEN}
                  ORDER BY m.entry_index LIMIT ?`);
    for (const { id } of zips) {
      for (let after = Number.MIN_SAFE_INTEGER; ; ) {
        const rows = page.all(id, after, this.target, folderPaging.pageSize) as KeyedRow[];
        folderPaging.onRowsRead?.(rows.length);
        write(rows);
        const last = rows.at(-1);
        if (last === undefined || rows.length < folderPaging.pageSize) break;
        after = last.entryIndex;
      }
    }
  }

  /** Of `keys`, those that some open row of the folder has (or, rarely, one whose hash is the same). */
  shared(keys: readonly string[]): Set<string> {
    this.index();
    const sql = `SELECT DISTINCT hash FROM folder_keys WHERE scope = ? AND hash IN (SELECT value FROM json_each(?))`;
    const found = new Set((this.db.prepare(sql).all(this.scope, JSON.stringify(keys.map(keyHash))) as { hash: number }[]).map((r) => r.hash));
    return new Set(keys.filter((key) => found.has(keyHash(key))));
  }

  /**
   * The open rows that have one of `keys`: the only ones a listed message with those keys can pair with.
   * Rows whose create went out first, then the others, each in (zip, entry) order.
   */
  rowsSharing(keys: readonly string[]): MessageRow[] {
    if (keys.length === 0) return [];
    this.index();
    return this.read(
      `SELECT m.* FROM messages m
       WHERE m.id IN (SELECT row_id FROM folder_keys WHERE scope = ? AND hash IN (SELECT value FROM json_each(?))) AND ${OPEN}
       ORDER BY ${UNANSWERED} DESC, m.zip_id, m.entry_index`,
      this.scope,
      JSON.stringify(keys.map(keyHash)),
    );
  }

  /** The seq numbers of this folder's uploads in folder_queue (contiguous: one INSERT wrote them). */
  private uploads = { first: 1, last: 0 };

  /**
   * Fixes the rows still open now as the folder's uploads, in their order: rows whose create went out
   * first, then the others, each in (zip, entry) order. Returns how many, and how many of the first went out before.
   */
  fixUploads(): { total: number; unanswered: number } {
    const { changes, lastInsertRowid } = this.db
      .prepare(
        `INSERT INTO folder_queue (scope, row_id)
         SELECT ?, m.id FROM zips z CROSS JOIN messages m ON z.id = m.zip_id
         WHERE z.mailbox = ? AND m.verdict = 'importable' AND m.target = ? AND ${OPEN}
         ORDER BY ${UNANSWERED} DESC, m.zip_id, m.entry_index`,
      )
      .run(this.scope, this.mailbox, this.target);
    this.uploads = changes === 0 ? { first: 1, last: 0 } : { first: Number(lastInsertRowid) - changes + 1, last: Number(lastInsertRowid) };
    const { unanswered } = this.db
      .prepare(`SELECT COALESCE(SUM(${UNANSWERED}), 0) AS unanswered FROM folder_queue q JOIN messages m ON m.id = q.row_id WHERE q.seq BETWEEN ? AND ?`)
      .get(this.uploads.first, this.uploads.last) as { unanswered: number };
    return { total: changes, unanswered };
  }

  /**
   * The first `count` (default all) of the uploads fixed by fixUploads, a page at a time, as the rows
   * stand when the page is read (no one changes a row before it is handed out).
   */
  *uploadPages(count = Infinity): IterableIterator<MessageRow[]> {
    const page = this.db.prepare(`SELECT m.*, q.seq AS queue_seq FROM folder_queue q JOIN messages m ON m.id = q.row_id
                                  WHERE q.seq > ? AND q.seq <= ? ORDER BY q.seq LIMIT ?`);
    const last = Math.min(this.uploads.last, this.uploads.first - 1 + count);
    for (let after = this.uploads.first - 1; after < last; ) {
      const raw = page.all(after, last, folderPaging.pageSize) as Array<{ queue_seq: number }>;
      const rows = raw.map(this.toRow);
      folderPaging.onRowsRead?.(rows.length);
      const end = raw.at(-1);
      if (end === undefined) return;
      yield rows;
      after = end.queue_seq;
    }
  }

  close(): void {
    this.db.prepare(`DELETE FROM folder_keys WHERE scope = ?`).run(this.scope);
    this.db.prepare(`DELETE FROM folder_queue WHERE scope = ?`).run(this.scope);
  }
}
