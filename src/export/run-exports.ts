import { randomUUID } from 'node:crypto';
import { FINISHED_STATES, type ExportJobRow, type ExportJobStore, type JobUpdate } from './job-store.js';
import { MAILBOX_COOLDOWN_MS, nextStep } from './next-step.js';
import { exportObjectUri } from './s3-location.js';
import { classifyWorkMailError, describeWorkMailError, type ExportJobStatus, type WorkMailApi } from './workmail.js';

export interface ExportSettings {
  readonly organizationId: string;
  readonly bucket: string;
  readonly prefix: string;
  readonly kmsKeyArn: string;
  readonly roleArn: string;
  /** WorkMail runs at most 10 export jobs per organisation at once (admin guide); a setting in case that changes. */
  readonly maxRunning: number;
  /** Start a new export for mailboxes whose last one completed more than 24 hours ago. */
  readonly reExport: boolean;
  readonly description: string;
  /** First poll interval of a running job; it grows by half each poll, up to maxPollMs. */
  readonly pollMs: number;
  readonly maxPollMs: number;
}

/** A mailbox to export and the Microsoft 365 mailbox its export goes to. */
export interface ExportTarget {
  readonly userId: string;
  readonly email: string;
  readonly target: string;
  /** The WorkMail user name: a job started elsewhere may name its mailbox by it (EntityId accepts a user name). */
  readonly name?: string | null;
}

export type OutcomeKind = 'completed' | 'failed' | 'cancelled' | 'running' | 'refused' | 'not-started';

export interface ExportOutcome {
  readonly target: ExportTarget;
  readonly kind: OutcomeKind;
  /** The job the outcome is about (null when none was started). */
  readonly row: ExportJobRow | null;
  /** Why, in a sentence, when it is not a plain completed export. */
  readonly note: string | null;
}

export interface ExportEvents {
  /** A line for the log (above any progress bars). */
  log(line: string): void;
  /** Something was recorded: progress and the map are redrawn from the store. */
  changed(): void;
}

/** Stops the run: retrying cannot help (credentials, organisation, parameters). */
export class ExportFatalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportFatalError';
  }
}

interface Running {
  row: ExportJobRow;
  target: ExportTarget;
  nextPollAt: number;
  intervalMs: number;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, Math.max(0, ms));
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

/** What a status says, as a store update; S3Path is resolved to s3://bucket/key with the job's own bucket and prefix. */
function updateFrom(status: ExportJobStatus, row: ExportJobRow): JobUpdate {
  const bucket = status.bucket ?? row.bucket;
  const prefix = status.prefix ?? row.prefix;
  return {
    state: status.state,
    s3Path: status.s3Path,
    s3Uri: status.s3Path ? exportObjectUri(bucket, prefix, status.s3Path) : null,
    errorInfo: status.errorInfo,
    estimatedProgress: status.estimatedProgress,
    startedAt: iso(status.startTime),
    endedAt: iso(status.endTime),
  };
}

function matches(status: ExportJobStatus, target: ExportTarget): boolean {
  const entity = status.entityId?.toLowerCase();
  // The user name, never the email's local part: user names and local parts drift apart (an address changed
  // on marriage, a new hire given the old one), and a local part taken for a name hands one person's export to another.
  return entity !== undefined && (entity === target.userId.toLowerCase() || entity === target.email.toLowerCase() || (!!target.name && entity === target.name.toLowerCase()));
}

/**
 * Exports every target mailbox through WorkMail's export jobs, at most `maxRunning` at a time, recording
 * each step in the store before it matters, so a run killed anywhere resumes without a second job for any
 * mailbox. Jobs already in WorkMail's list (from the console, another machine, or a lost state folder) are
 * taken over rather than started again. Returns one outcome per target.
 */
export async function runExports(
  api: WorkMailApi,
  store: ExportJobStore,
  targets: readonly ExportTarget[],
  settings: ExportSettings,
  events: ExportEvents,
  signal?: AbortSignal,
): Promise<ExportOutcome[]> {
  const org = settings.organizationId;
  const notes = new Map<string, string>();
  const call = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (classifyWorkMailError(error) === 'fatal') throw new ExportFatalError(`${what}: ${describeWorkMailError(error)}`);
      throw error;
    }
  };

  await adoptListedJobs(api, store, targets, org, events, call);

  const queue: { target: ExportTarget; request: ExportJobRow | null }[] = [];
  const running = new Map<string, Running>();
  const now = new Date();
  for (const target of targets) {
    const step = nextStep(store.jobsFor(org, target.userId), now, { reExport: settings.reExport });
    switch (step.kind) {
      case 'start':
        queue.push({ target, request: null });
        break;
      case 'resend':
        queue.push({ target, request: step.row });
        break;
      case 'follow':
        running.set(step.row.jobId!, { row: step.row, target, nextPollAt: 0, intervalMs: settings.pollMs });
        events.log(`${target.email}: following export job ${step.row.jobId} started ${step.row.startedAt ?? step.row.requestedAt}`);
        break;
      case 'done':
        events.log(`${target.email}: already exported (job ${step.row.jobId}, ${step.row.endedAt ?? step.row.startedAt ?? ''}); ${step.again ? `WorkMail allows the next export at ${step.again.toISOString()}; ` : ''}not starting another`);
        break;
      case 'wait-24h':
        notes.set(target.userId, `the last export ${step.row.state.toLowerCase()} (${step.row.errorInfo ?? 'no error info'}); WorkMail allows one export per mailbox every 24 hours, the next at ${step.allowedAt.toISOString()}`);
        events.log(`${target.email}: not starting: ${notes.get(target.userId)!}`);
        break;
    }
  }
  events.changed();

  let limitWaitUntil = 0;
  let limitDelayMs = settings.pollMs;
  let limitLogged = false;
  while ((queue.length > 0 || running.size > 0) && !signal?.aborted) {
    // Start as many as the limit allows.
    while (queue.length > 0 && running.size < settings.maxRunning && Date.now() >= limitWaitUntil && !signal?.aborted) {
      const item = queue[0]!;
      const request =
        item.request ??
        store.request({ organizationId: org, userId: item.target.userId, email: item.target.email, target: item.target.target, clientToken: `eml-import-${randomUUID()}`, bucket: settings.bucket, prefix: settings.prefix }, new Date());
      item.request = request;
      try {
        const jobId = await call(`starting the export of ${item.target.email}`, () =>
          api.startExport({ organizationId: org, entityId: item.target.userId, clientToken: request.clientToken, description: settings.description, roleArn: settings.roleArn, kmsKeyArn: settings.kmsKeyArn, bucket: settings.bucket, prefix: settings.prefix }),
        );
        const row = store.started(request.id, jobId, new Date());
        queue.shift();
        running.set(jobId, { row, target: item.target, nextPollAt: 0, intervalMs: settings.pollMs });
        limitDelayMs = settings.pollMs;
        limitLogged = false;
        events.log(`${item.target.email}: export job ${jobId} started`);
        events.changed();
      } catch (error) {
        if (error instanceof ExportFatalError) throw error;
        const kind = classifyWorkMailError(error);
        if (kind === 'entity') {
          queue.shift();
          store.refused(request.id, describeWorkMailError(error), new Date());
          events.log(`${item.target.email}: WorkMail refused the export: ${describeWorkMailError(error)}`);
          events.changed();
          continue;
        }
        if (kind === 'limit' && running.size === 0 && !(await organisationIsBusy(api, org, call))) {
          // Nothing runs in the organisation, so the refusal is about this mailbox (its 24-hour rule).
          queue.shift();
          store.refused(request.id, describeWorkMailError(error), new Date());
          events.log(`${item.target.email}: WorkMail refused the export: ${describeWorkMailError(error)}`);
          events.changed();
          continue;
        }
        if (!limitLogged) {
          events.log(
            kind === 'limit'
              ? `WorkMail's limit of concurrent export jobs is reached (${running.size} of ours running); waiting for one to finish`
              : `${item.target.email}: starting the export failed (${describeWorkMailError(error)}); trying again with the same client token`,
          );
          limitLogged = true;
        }
        limitWaitUntil = Date.now() + limitDelayMs;
        limitDelayMs = Math.min(limitDelayMs * 2, settings.maxPollMs);
        break;
      }
    }

    // Poll the jobs that are due.
    for (const job of [...running.values()]) {
      if (signal?.aborted) break;
      if (Date.now() < job.nextPollAt) continue;
      let status: ExportJobStatus;
      try {
        status = await call(`following export job ${job.row.jobId}`, () => api.describeExport(org, job.row.jobId!));
      } catch (error) {
        if (error instanceof ExportFatalError) throw error;
        if (classifyWorkMailError(error) === 'entity') {
          // WorkMail no longer knows the job (or its mailbox): asking again cannot help, and the run would never end.
          running.delete(job.row.jobId!);
          limitWaitUntil = 0;
          job.row = store.update(job.row.id, { state: 'FAILED', errorInfo: `WorkMail no longer knows this job: ${describeWorkMailError(error)}` }, new Date());
          events.log(`${job.target.email}: export job ${job.row.jobId} failed: ${job.row.errorInfo!}`);
          events.changed();
          continue;
        }
        events.log(`${job.target.email}: could not read the state of job ${job.row.jobId} (${describeWorkMailError(error)}); trying again`);
        job.nextPollAt = Date.now() + job.intervalMs;
        job.intervalMs = Math.min(job.intervalMs * 1.5, settings.maxPollMs);
        continue;
      }
      const before = job.row;
      job.row = store.update(job.row.id, updateFrom(status, job.row), new Date());
      if (FINISHED_STATES.has(job.row.state)) {
        running.delete(job.row.jobId!);
        // A finished job frees a place: try starting at once rather than after the limit backoff.
        limitWaitUntil = 0;
        events.log(
          job.row.state === 'COMPLETED'
            ? `${job.target.email}: export completed: ${job.row.s3Uri ?? '(no S3Path)'}`
            : `${job.target.email}: export ${job.row.state.toLowerCase()}: ${job.row.errorInfo ?? 'WorkMail gave no ErrorInfo'}`,
        );
      } else {
        job.nextPollAt = Date.now() + job.intervalMs;
        job.intervalMs = Math.min(job.intervalMs * 1.5, settings.maxPollMs);
      }
      if (before.state !== job.row.state || before.estimatedProgress !== job.row.estimatedProgress || before.s3Uri !== job.row.s3Uri) events.changed();
    }

    if (queue.length === 0 && running.size === 0) break;
    const wakes = [...running.values()].map((job) => job.nextPollAt);
    if (queue.length > 0 && running.size < settings.maxRunning) wakes.push(limitWaitUntil);
    await sleep(Math.min(...wakes) - Date.now(), signal);
  }

  return targets.map((target) => outcomeFor(store, org, target, notes.get(target.userId) ?? null));
}

/** Whether any export job runs in the organisation (ours or anyone's). */
async function organisationIsBusy(api: WorkMailApi, org: string, call: <T>(what: string, work: () => Promise<T>) => Promise<T>): Promise<boolean> {
  try {
    return (await call('listing export jobs', () => api.listExports(org))).some((job) => job.state === 'RUNNING');
  } catch (error) {
    if (error instanceof ExportFatalError) throw error;
    return true;
  }
}

/**
 * Takes over jobs WorkMail lists for the targets that the store does not know: a request whose answer
 * was lost is bound to its job; anything else is recorded as found. Each is described once for its
 * S3Path and ErrorInfo, which the list does not carry.
 */
async function adoptListedJobs(
  api: WorkMailApi,
  store: ExportJobStore,
  targets: readonly ExportTarget[],
  org: string,
  events: ExportEvents,
  call: <T>(what: string, work: () => Promise<T>) => Promise<T>,
): Promise<void> {
  const listed = await call('listing export jobs', () => api.listExports(org));
  for (const status of listed.sort((a, b) => (a.startTime?.getTime() ?? 0) - (b.startTime?.getTime() ?? 0))) {
    if (store.byJobId(status.jobId)) continue;
    const target = targets.find((t) => matches(status, t));
    if (!target) continue;
    let full = status;
    try {
      full = await call(`reading export job ${status.jobId}`, () => api.describeExport(org, status.jobId));
    } catch (error) {
      if (error instanceof ExportFatalError) throw error;
    }
    const newest = store.jobsFor(org, target.userId)[0];
    const now = new Date();
    // A finished export of another's, from before WorkMail would allow a new one (a pilot last week): its zip
    // lacks every message received since, so it is no migration's export; a new one is started instead.
    const started = full.startTime?.getTime();
    if (full.state === 'COMPLETED' && newest?.state !== 'REQUESTED' && started !== undefined && now.getTime() - started >= MAILBOX_COOLDOWN_MS) {
      events.log(`${target.email}: export job ${status.jobId} (completed, started ${iso(full.startTime)}) found in WorkMail is more than 24 hours old: not taken over, a new export is started`);
      continue;
    }
    if (newest?.state === 'REQUESTED') {
      const bound = store.started(newest.id, status.jobId, now);
      store.update(bound.id, updateFrom(full, bound), now);
      events.log(`${target.email}: export job ${status.jobId} found in WorkMail for the request the last run sent`);
      continue;
    }
    const base = { organizationId: org, userId: target.userId, email: target.email, target: target.target, jobId: status.jobId, bucket: full.bucket ?? '', prefix: full.prefix ?? '', startedAt: iso(full.startTime) };
    const placeholder = { state: full.state } as const;
    const adopted = store.adopt(base, placeholder, now);
    store.update(adopted.id, updateFrom(full, adopted), now);
    events.log(`${target.email}: export job ${status.jobId} (${full.state.toLowerCase()}) found in WorkMail, started ${iso(full.startTime) ?? 'at an unknown time'}; taking it over`);
  }
}

function outcomeFor(store: ExportJobStore, org: string, target: ExportTarget, note: string | null): ExportOutcome {
  const rows = store.jobsFor(org, target.userId);
  const newest = rows[0] ?? null;
  const job = rows.find((row) => row.jobId !== null) ?? null;
  if (newest?.state === 'REFUSED') return { target, kind: 'refused', row: newest, note: newest.errorInfo };
  if (newest?.state === 'REQUESTED') return { target, kind: 'not-started', row: newest, note: 'interrupted before WorkMail answered; a re-run sends the same request again' };
  if (!job) return { target, kind: 'not-started', row: null, note: 'interrupted before its export was started' };
  switch (job.state) {
    case 'COMPLETED':
      // Without S3Path the map has no row for it (map-out.ts), so the import would never see this mailbox: not done.
      if (!job.s3Uri) return { target, kind: 'failed', row: job, note: `WorkMail says export job ${job.jobId!} completed but gave no S3Path: find its zip under s3://${job.bucket}/${job.prefix} and add it to the map by hand` };
      return { target, kind: 'completed', row: job, note };
    case 'RUNNING':
      return { target, kind: 'running', row: job, note: 'still running in WorkMail; a re-run follows it' };
    case 'CANCELLED':
      return { target, kind: 'cancelled', row: job, note: note ?? job.errorInfo };
    default:
      return { target, kind: 'failed', row: job, note: note ?? job.errorInfo ?? 'WorkMail gave no ErrorInfo' };
  }
}
