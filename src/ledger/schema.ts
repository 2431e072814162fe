/**
 * The ledger's tables. Entries are keyed by their position in the zip's central directory: two entries
 * may share a name, and both are messages. One row per zip entry in `messages` is the checkpoint, the dedup index and the
 * source of every report; `events` keeps each state transition so a report can say what happened when.
 * Bump LEDGER_VERSION when a change is not additive; `openLedger` refuses a ledger of another version.
 */
export const LEDGER_VERSION = 1;

/**
 * Columns added since version 1, each with its table and type: a ledger written by an older eml-import
 * gains them on open (ALTER TABLE ... ADD COLUMN), so a migration in progress can upgrade and resume.
 * - zips.identity: what the export is, wherever it lies (source/export-identity.ts);
 * - zips.previous_path: where this export was read before it moved (for the report);
 * - zips.copy_of: another zip of this run with the same content, of which this one is a copy;
 * - zips.notes: what this run found worth saying about the zip (JSON array of sentences);
 * - messages.crc32: the entry's CRC-32, so "identical content" can be told without reading it again;
 * - messages.scope: the duplicate scope of the target (policy/target.ts targetScope), for grouping in SQL;
 * - messages.attempt_at: when the last create was sent, to know when it can no longer land;
 * - messages.header_defects: lines inside the header block that are not header fields.
 */
export const ADDED_COLUMNS: ReadonlyArray<{ table: string; column: string; type: string }> = [
  { table: 'zips', column: 'identity', type: 'TEXT' },
  { table: 'zips', column: 'previous_path', type: 'TEXT' },
  { table: 'zips', column: 'copy_of', type: 'INTEGER' },
  { table: 'zips', column: 'notes', type: 'TEXT' },
  { table: 'messages', column: 'crc32', type: 'INTEGER' },
  { table: 'messages', column: 'scope', type: 'TEXT' },
  { table: 'messages', column: 'attempt_at', type: 'TEXT' },
  { table: 'messages', column: 'header_defects', type: 'INTEGER NOT NULL DEFAULT 0' },
  // 1 for an entry left unread by an outage (NewEntryRow.readAgain): removed and read again by the next scan.
  { table: 'messages', column: 'read_again', type: 'INTEGER' },
  // Where the entry's data is in the zip (EntryLocation), for reading it at upload without the central
  // directory; null in rows of earlier versions and for archive-level errors.
  { table: 'messages', column: 'local_offset', type: 'INTEGER' },
  { table: 'messages', column: 'compressed_size', type: 'INTEGER' },
  { table: 'messages', column: 'compression', type: 'INTEGER' },
  { table: 'messages', column: 'zip_flags', type: 'INTEGER' },
];

/** Indexes on added columns: created after the columns exist. */
export const INDEXES_ON_ADDED_COLUMNS = `CREATE INDEX IF NOT EXISTS zips_by_identity ON zips (identity);`;

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS zips (
  id            INTEGER PRIMARY KEY,
  path          TEXT NOT NULL UNIQUE,
  name          TEXT NOT NULL,
  mailbox       TEXT,
  size          INTEGER NOT NULL,
  scanned       INTEGER NOT NULL DEFAULT 0,
  archive_error TEXT,
  export_log    TEXT,
  export_log_mismatches TEXT,
  identity      TEXT,
  previous_path TEXT,
  copy_of       INTEGER,
  notes         TEXT
);
CREATE TABLE IF NOT EXISTS messages (
  id           INTEGER PRIMARY KEY,
  zip_id       INTEGER NOT NULL REFERENCES zips(id),
  entry        TEXT NOT NULL,
  entry_index  INTEGER NOT NULL,
  folder       TEXT NOT NULL,
  target       TEXT,
  kind         TEXT NOT NULL,
  subject      TEXT,
  sender       TEXT,
  date         TEXT,
  date_source  TEXT,
  header_defects INTEGER NOT NULL DEFAULT 0,
  message_id   TEXT,
  fingerprint  TEXT,
  size         INTEGER NOT NULL,
  verdict      TEXT NOT NULL,
  rule         TEXT,
  duplicate_of INTEGER,
  collision    INTEGER NOT NULL DEFAULT 0,
  read_error   TEXT,
  state        TEXT NOT NULL DEFAULT 'pending',
  dest_id      TEXT,
  method       TEXT,
  attempts     INTEGER NOT NULL DEFAULT 0,
  last_error   TEXT,
  error_class  TEXT,
  updated_at   TEXT,
  crc32        INTEGER,
  scope        TEXT,
  attempt_at   TEXT,
  UNIQUE (zip_id, entry_index)
);
CREATE INDEX IF NOT EXISTS messages_by_target ON messages (target, state);
CREATE INDEX IF NOT EXISTS zips_by_mailbox ON zips (mailbox);
CREATE TABLE IF NOT EXISTS events (
  id         INTEGER PRIMARY KEY,
  message    INTEGER NOT NULL,
  at         TEXT NOT NULL,
  state      TEXT NOT NULL,
  detail     TEXT
);
`;

