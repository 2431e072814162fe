import type { ExportJobRow } from './job-store.js';
import { MAILBOX_COOLDOWN_MS } from './next-step.js';
import type { NotLandedCause } from './wait-for-exports.js';

/** A map row whose WorkMail export will not come, so its mailbox was not imported: what happened and what to do. */
export interface ExportNotLanded {
  /** The Microsoft 365 mailbox of the map row. */
  readonly mailbox: string;
  /** The map row's zip (an s3:// URI). */
  readonly zip: string;
  /** The WorkMail user the export job was for; null when no recorded job writes this zip. */
  readonly user: string | null;
  readonly jobId: string | null;
  /** The job's state as recorded (FAILED, CANCELLED, REFUSED, COMPLETED), or null without a job. */
  readonly state: string | null;
  /** WorkMail's ErrorInfo, as it said it. */
  readonly errorInfo: string | null;
  /** What went wrong, in one sentence. */
  readonly reason: string;
  /** What the admin does about it, in one sentence. */
  readonly next: string;
}

/**
 * The next step for a row whose export did not land, from its job's record. Pure: the clock is an
 * argument. A failed or cancelled job may be followed by another only 24 hours after it started
 * (WorkMail's rule), so the sentence says from when `eml-import export` will start one.
 */
export function notLanded(failure: { readonly row: { readonly zip: string; readonly mailbox: string }; readonly job: ExportJobRow | null; readonly reason: string; readonly cause: NotLandedCause }, now: Date): ExportNotLanded {
  const { row, job, reason, cause } = failure;
  const base = { mailbox: row.mailbox, zip: row.zip, user: job?.email ?? null, jobId: job?.jobId ?? null, state: job?.state ?? null, errorInfo: job?.errorInfo ?? null, reason };
  const importAgain = 'then run this import again (the mailboxes already imported are skipped)';
  if (cause === 'cannot-check') return { ...base, next: `mend what keeps S3 from answering (the reason says what), ${importAgain}` };
  if (job === null || cause === 'no-job') {
    return { ...base, next: `run eml-import export with the same --state so that a job writes this zip, or correct the map row; ${importAgain}` };
  }
  if (job.state === 'REFUSED') {
    return { ...base, next: `WorkMail would not export ${job.email}: check in the WorkMail console that the user exists, is enabled and has a mailbox, run eml-import export again, ${importAgain}` };
  }
  if (cause === 'not-written') {
    return { ...base, next: `the zip is not where the job wrote it: check the bucket, the prefix and any lifecycle rule that deletes objects, and whether the map row was edited; export ${job.email} again with eml-import export --re-export if it is gone, ${importAgain}` };
  }
  const allowedAt = new Date(Date.parse(job.startedAt ?? job.requestedAt) + MAILBOX_COOLDOWN_MS);
  const when = now >= allowedAt ? 'now' : `from ${allowedAt.toISOString()} (WorkMail allows one export per mailbox every 24 hours)`;
  const first = job.state === 'CANCELLED' ? 'the job was cancelled' : 'fix what WorkMail says went wrong';
  return { ...base, next: `${first}, then run eml-import export again, which starts a new job for ${job.email} ${when}; ${importAgain}` };
}
