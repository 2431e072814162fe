import type { ExportJobRow } from './job-store.js';

/**
 * When the record of the jobs still awaited was last written, if that is longer ago than `silentMs`; else null.
 * `eml-import export` writes each job's row on every poll (at most 2 minutes apart), so a record that has been
 * silent for several of its polls means no export is following the jobs: a job that failed meanwhile never
 * says so, its zip never appears, and `--wait-for-exports` would wait without end and without a word.
 */
export function unfollowedSince(jobs: readonly (ExportJobRow | null)[], now: Date, silentMs: number): Date | null {
  const times = jobs.filter((job): job is ExportJobRow => job !== null).map((job) => Date.parse(job.updatedAt));
  if (times.length === 0) return null;
  const newest = Math.max(...times);
  return now.getTime() - newest > silentMs ? new Date(newest) : null;
}
