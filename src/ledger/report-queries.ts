/**
 * The report's counts, computed by SQLite: a GROUP BY over 200,000 rows takes milliseconds, where
 * turning every row into an object first took seconds. This is the single definition of what each
 * count means (see Counts in reports/model.ts).
 */
export const FOLDER_COUNTS_SQL = `
SELECT zip_id AS zipId, folder,
  SUM(kind = 'message') AS messages,
  SUM(kind = 'message' AND verdict = 'importable') AS importable,
  SUM(kind = 'message' AND verdict = 'spam') AS spam,
  SUM(kind = 'message' AND verdict = 'duplicate') AS duplicates,
  SUM(kind = 'message' AND verdict = 'importable' AND collision = 1) AS collisions,
  SUM(kind = 'calendar') AS calendar,
  SUM(kind = 'message' AND date IS NULL) AS undated,
  SUM(kind = 'unreadable') AS unreadable,
  SUM(kind = 'message' AND verdict = 'excluded') AS excluded,
  SUM(CASE WHEN kind = 'message' THEN size ELSE 0 END) AS bytes,
  SUM(kind = 'message' AND verdict = 'importable' AND state = 'imported') AS imported,
  SUM(kind = 'message' AND verdict = 'importable' AND state = 'imported' AND updated_at < @runStartedAt) AS importedEarlier,
  SUM(kind = 'message' AND verdict = 'importable' AND state = 'present') AS alreadyPresent,
  SUM(kind = 'message' AND verdict = 'importable' AND state = 'failed') AS failed,
  SUM(kind = 'message' AND verdict = 'importable' AND state NOT IN ('imported', 'present', 'failed')) AS pending,
  SUM(kind = 'message' AND header_defects > 0) AS headerDefects
FROM messages GROUP BY zip_id, folder`;

/**
 * Wanted messages that failed with their whole mailbox (it does not exist in the tenant, or it stopped:
 * full, refused), per mailbox, with the sentence the run recorded.
 */
export const MISSING_MAILBOX_SQL = `
SELECT z.mailbox AS mailbox, COUNT(*) AS messages, MAX(m.last_error) AS reason
FROM zips z CROSS JOIN messages m ON z.id = m.zip_id
WHERE m.kind = 'message' AND m.verdict = 'importable' AND m.state = 'failed' AND m.error_class IN ('mailbox-missing', 'mailbox-stopped')
GROUP BY z.mailbox ORDER BY z.mailbox`;

/**
 * Spam per rule, messages per year of their date, imported messages per upload method, and messages per
 * date source. One sort of the table for all four (into the few distinct combinations), not one each:
 * on 150,000 rows the four cost 376-495 ms of a single thread after the scan, the one 335-369 ms.
 */
export const BREAKDOWN_SQL = `
WITH g AS MATERIALIZED (
  SELECT zip_id, kind, verdict, rule, state, method, substr(date, 1, 4) AS year, date_source, COUNT(*) AS n
  FROM messages GROUP BY zip_id, kind, verdict, rule, state, method, year, date_source)
SELECT zip_id AS zipId, 'rule' AS dimension, rule AS label, SUM(n) AS n FROM g
  WHERE kind = 'message' AND verdict = 'spam' AND rule IS NOT NULL GROUP BY zip_id, rule
UNION ALL
SELECT zip_id, 'year', COALESCE(year, 'undated'), SUM(n) FROM g
  WHERE kind = 'message' GROUP BY zip_id, COALESCE(year, 'undated')
UNION ALL
SELECT zip_id, 'method', method, SUM(n) FROM g
  WHERE state = 'imported' AND method IS NOT NULL GROUP BY zip_id, method
UNION ALL
SELECT zip_id, 'dateSource', COALESCE(date_source, 'none'), SUM(n) FROM g
  WHERE kind = 'message' GROUP BY zip_id, COALESCE(date_source, 'none')`;

export interface BreakdownRow {
  readonly zipId: number;
  readonly dimension: 'rule' | 'year' | 'method' | 'dateSource';
  readonly label: string;
  readonly n: number;
}

/**
 * The rows a report file lists on their own (spam.csv, failed.csv, the duplicates and their originals…),
 * picked by SQLite: reading every row to keep a few took as long as writing messages.csv. A subset marked
 * "at least" may hold more rows than its file lists; the file keeps its own test.
 */
export type MessageSubset = 'spam' | 'unreadable' | 'failed' | 'imported' | 'duplicates' | 'duplicate-partners';

export const MESSAGE_SUBSET_WHERE: Readonly<Record<MessageSubset, string>> = {
  spam: `verdict = 'spam'`,
  unreadable: `verdict = 'unreadable'`,
  failed: `state = 'failed'`,
  imported: `state = 'imported'`,
  // Dropped copies, and kept messages that share a fingerprint with an earlier one.
  duplicates: `verdict = 'duplicate' OR collision = 1`,
  // At least: what the duplicates are copies of, and every kept message with a colliding fingerprint.
  'duplicate-partners': `id IN (SELECT duplicate_of FROM messages WHERE duplicate_of IS NOT NULL)
    OR (verdict = 'importable' AND collision = 0 AND fingerprint IN (SELECT fingerprint FROM messages WHERE collision = 1))`,
};
