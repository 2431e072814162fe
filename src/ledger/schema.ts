/**
 * The ledger's tables. Entries are keyed by their position in the zip's central directory: two entries
 * may share a name, and both are messages. One row per zip entry in `messages` is the checkpoint, the dedup index and the
 * source of every report; `events` keeps each state transition so a report can say what happened when.
 * Bump LEDGER_VERSION when a change is not additive; `openLedger` refuses a ledger of another version.
 */
export const LEDGER_VERSION = 1;

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
  export_log_mismatches TEXT
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

/** Columns added since LEDGER_VERSION 1 was first written, with their definitions: added to older ledgers on open. */
export const ADDED_COLUMNS: ReadonlyArray<readonly [table: string, column: string, definition: string]> = [
  ['messages', 'header_defects', 'INTEGER NOT NULL DEFAULT 0'],
];
