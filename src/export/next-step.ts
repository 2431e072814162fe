import type { ExportJobRow } from './job-store.js';

/** WorkMail allows one export per mailbox every 24 hours (admin guide, "Exporting mailbox content"). */
export const MAILBOX_COOLDOWN_MS = 24 * 60 * 60 * 1000;

export type NextStep =
  /** No export yet, or the last one failed more than 24 hours ago: start one. */
  | { readonly kind: 'start' }
  /** A request was written but its answer never recorded: send it again with the same client token. */
  | { readonly kind: 'resend'; readonly row: ExportJobRow }
  /** A job is running: poll it. */
  | { readonly kind: 'follow'; readonly row: ExportJobRow }
  /** The last export completed: use its zip. `again` is when a new one may start, for --re-export. */
  | { readonly kind: 'done'; readonly row: ExportJobRow; readonly again: Date | null }
  /** The last job failed or was cancelled less than 24 hours ago: WorkMail refuses another until `allowedAt`. */
  | { readonly kind: 'wait-24h'; readonly row: ExportJobRow; readonly allowedAt: Date };

/**
 * What to do for one mailbox, from its recorded attempts (newest first). Pure: the clock is an argument.
 * A job counts from WorkMail's StartTime when known, else from when this tool asked.
 */
export function nextStep(rows: readonly ExportJobRow[], now: Date, options: { readonly reExport: boolean; readonly cooldownMs?: number }): NextStep {
  const newest = rows[0];
  if (newest?.state === 'REQUESTED') return { kind: 'resend', row: newest };
  const last = rows.find((row) => row.jobId !== null && row.state !== 'REFUSED' && row.state !== 'REQUESTED');
  if (!last) return { kind: 'start' };
  if (last.state === 'RUNNING') return { kind: 'follow', row: last };
  const allowedAt = new Date(Date.parse(last.startedAt ?? last.requestedAt) + (options.cooldownMs ?? MAILBOX_COOLDOWN_MS));
  if (last.state === 'COMPLETED') {
    if (!options.reExport) return { kind: 'done', row: last, again: null };
    return now >= allowedAt ? { kind: 'start' } : { kind: 'done', row: last, again: allowedAt };
  }
  return now >= allowedAt ? { kind: 'start' } : { kind: 'wait-24h', row: last, allowedAt };
}
