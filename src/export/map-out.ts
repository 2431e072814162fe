import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import type { ExportJobRow } from './job-store.js';
import type { ExportTarget } from './run-exports.js';

export interface MapRow {
  readonly zip: string;
  readonly mailbox: string;
}

/**
 * The import's map.csv rows: each target's export zip (s3://bucket/key) and its Microsoft 365 mailbox.
 * Completed exports, and running ones whose S3Path is known, so that `--wait-for-exports` can start on
 * them as they land; failed or never-started exports have no row. `jobs` is every recorded job of the
 * organisation, oldest first (one query, however many mailboxes).
 */
export function mapRows(jobs: readonly ExportJobRow[], targets: readonly ExportTarget[]): MapRow[] {
  const newestJob = new Map<string, ExportJobRow>();
  for (const job of jobs) if (job.jobId !== null && job.state !== 'REFUSED') newestJob.set(job.userId, job);
  const rows: MapRow[] = [];
  for (const target of targets) {
    const job = newestJob.get(target.userId);
    if (job && job.s3Uri && (job.state === 'COMPLETED' || job.state === 'RUNNING')) rows.push({ zip: job.s3Uri, mailbox: target.target });
  }
  return rows;
}

/** Each target's newest recorded attempt (null before the first), for progress. */
export function newestAttempts(jobs: readonly ExportJobRow[], targets: readonly ExportTarget[]): { email: string; row: ExportJobRow | null }[] {
  const newest = new Map<string, ExportJobRow>();
  for (const job of jobs) newest.set(job.userId, job);
  return targets.map((target) => ({ email: target.email, row: newest.get(target.userId) ?? null }));
}

/** Written through a temp file and a rename, so an import reading it never sees half a file. */
export function writeMapFile(path: string, rows: readonly MapRow[]): void {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(temp, stringify(rows.map((row) => [row.zip, row.mailbox]), { header: true, columns: ['zip', 'mailbox'] }));
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
