import { randomUUID } from 'node:crypto';

/**
 * One WorkMail organisation as the export API sees it: users, export jobs, and the two documented limits
 * (10 concurrent export jobs per organisation, one export per mailbox every 24 hours). Modelled from the
 * API reference and the admin guide, independently of eml-import's code.
 */

export type JobState = 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';

export interface EmulatedUser {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly displayName?: string;
  readonly state: 'ENABLED' | 'DISABLED' | 'DELETED';
  readonly role: 'USER' | 'RESOURCE' | 'SYSTEM_USER' | 'REMOTE_USER';
}

export interface EmulatedJob {
  readonly jobId: string;
  readonly entityId: string;
  readonly user: EmulatedUser;
  readonly clientToken: string;
  readonly description: string;
  readonly roleArn: string;
  readonly kmsKeyArn: string;
  readonly bucket: string;
  readonly prefix: string;
  /** The object the job writes, as the S3 key. */
  readonly key: string;
  /** Emulator-clock milliseconds. */
  readonly startTime: number;
  endTime: number | null;
  state: JobState;
  errorInfo: string | null;
  /** Real milliseconds the job takes, so progress can be estimated. */
  readonly durationMs: number;
  readonly startedAtReal: number;
}

/** An AWS-style error: the SDK maps `type` to its exception class. */
export class WorkMailFault extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export const DAY_MS = 24 * 60 * 60 * 1000;
const LIST_WINDOW_MS = 7 * DAY_MS;

export interface StartJobInput {
  readonly organizationId: string;
  readonly entityId: string;
  readonly clientToken: string;
  readonly description: string;
  readonly roleArn: string;
  readonly kmsKeyArn: string;
  readonly bucket: string;
  readonly prefix: string;
}

export interface OrganisationOptions {
  readonly organizationId: string;
  readonly users: readonly EmulatedUser[];
  readonly maxConcurrentJobs: number;
  readonly mailboxCooldownMs: number;
  readonly jobDurationMs: (user: EmulatedUser) => number;
}

export class Organisation {
  readonly jobs = new Map<string, EmulatedJob>();
  private readonly byToken = new Map<string, string>();
  /** Added to the real clock: lets a test move the emulator's day forward without waiting. */
  private clockOffsetMs = 0;
  /** The most jobs ever RUNNING at once, for tests that check a client kept under a limit. */
  peakRunning = 0;
  startRequests = 0;
  limitRefusals = 0;
  /** Mailboxes a client tried to export again within 24 hours (refused): a well-behaved client never does. */
  readonly cooldownRefusals: string[] = [];

  constructor(private readonly options: OrganisationOptions) {}

  get organizationId(): string {
    return this.options.organizationId;
  }

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
  }

  users(): readonly EmulatedUser[] {
    return this.options.users;
  }

  checkOrganisation(organizationId: unknown): void {
    if (typeof organizationId !== 'string' || !/^m-[0-9a-f]{32}$/.test(organizationId)) {
      throw new WorkMailFault('ValidationException', `1 validation error detected: Value '${String(organizationId)}' at 'organizationId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^m-[0-9a-f]{32}$`);
    }
    if (organizationId !== this.options.organizationId) {
      throw new WorkMailFault('OrganizationNotFoundException', `Organization ${organizationId} does not exist.`);
    }
  }

  /** Users can be named by id, email or user name, as the API allows. */
  findUser(entityId: string): EmulatedUser | undefined {
    const wanted = entityId.toLowerCase();
    return this.options.users.find((u) => u.id.toLowerCase() === wanted || u.email.toLowerCase() === wanted || u.name.toLowerCase() === wanted);
  }

  running(): EmulatedJob[] {
    return [...this.jobs.values()].filter((job) => job.state === 'RUNNING');
  }

  start(input: StartJobInput): EmulatedJob {
    this.startRequests++;
    // The same client token is the same request: answer with the job it started, whatever the limits say now.
    const known = this.byToken.get(input.clientToken);
    if (known !== undefined) return this.jobs.get(known)!;

    const user = this.findUser(input.entityId);
    if (!user) throw new WorkMailFault('EntityNotFoundException', `Entity ${input.entityId} does not exist.`);
    if (user.state !== 'ENABLED') throw new WorkMailFault('EntityStateException', `Entity ${input.entityId} is in state ${user.state}.`);
    if (this.running().length >= this.options.maxConcurrentJobs) {
      this.limitRefusals++;
      throw new WorkMailFault('LimitExceededException', `The organization has reached the limit of ${this.options.maxConcurrentJobs} concurrent mailbox export jobs.`);
    }
    const last = [...this.jobs.values()].filter((job) => job.user.id === user.id).sort((a, b) => b.startTime - a.startTime)[0];
    if (last && this.now() - last.startTime < this.options.mailboxCooldownMs) {
      this.limitRefusals++;
      this.cooldownRefusals.push(user.email);
      throw new WorkMailFault('LimitExceededException', `Mailbox ${user.email} was exported less than 24 hours ago; only one export per mailbox is allowed every 24 hours.`);
    }
    const jobId = randomUUID();
    const prefix = input.prefix.replace(/\/+$/, '');
    const job: EmulatedJob = {
      jobId,
      entityId: input.entityId,
      user,
      clientToken: input.clientToken,
      description: input.description,
      roleArn: input.roleArn,
      kmsKeyArn: input.kmsKeyArn,
      bucket: input.bucket,
      prefix: input.prefix,
      key: `${prefix === '' ? '' : `${prefix}/`}${jobId}.zip`,
      startTime: this.now(),
      endTime: null,
      state: 'RUNNING',
      errorInfo: null,
      durationMs: this.options.jobDurationMs(user),
      startedAtReal: Date.now(),
    };
    this.jobs.set(jobId, job);
    this.byToken.set(input.clientToken, jobId);
    this.peakRunning = Math.max(this.peakRunning, this.running().length);
    return job;
  }

  job(jobId: unknown): EmulatedJob {
    const job = typeof jobId === 'string' ? this.jobs.get(jobId) : undefined;
    if (!job) throw new WorkMailFault('EntityNotFoundException', `Mailbox export job ${String(jobId)} does not exist.`);
    return job;
  }

  finish(job: EmulatedJob, outcome: { state: 'COMPLETED' } | { state: 'FAILED'; errorInfo: string } | { state: 'CANCELLED' }): void {
    if (job.state !== 'RUNNING') return;
    job.state = outcome.state;
    job.errorInfo = outcome.state === 'FAILED' ? outcome.errorInfo : null;
    job.endTime = this.now();
  }

  /** 0–100 while running, from the real time the job has had out of the time it takes. */
  progress(job: EmulatedJob): number {
    if (job.state === 'COMPLETED') return 100;
    if (job.state !== 'RUNNING') return Math.min(99, Math.floor((100 * ((job.endTime ?? this.now()) - job.startTime)) / Math.max(1, job.durationMs)));
    return Math.min(99, Math.floor((100 * (Date.now() - job.startedAtReal)) / Math.max(1, job.durationMs)));
  }

  /** Only jobs started in the last seven days are listed, as the API reference says. */
  listed(): EmulatedJob[] {
    const since = this.now() - LIST_WINDOW_MS;
    return [...this.jobs.values()].filter((job) => job.startTime >= since).sort((a, b) => b.startTime - a.startTime);
  }
}
