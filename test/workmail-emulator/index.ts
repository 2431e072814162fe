import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DAY_MS, Organisation, WorkMailFault, type EmulatedJob, type EmulatedUser, type StartJobInput } from './organisation.js';
import { exportZipFor } from './export-zip.js';

/**
 * A local Amazon WorkMail API emulator for the mailbox export calls (AWS JSON 1.1: `POST /` with
 * `X-Amz-Target: WorkMailService.<Operation>`): ListUsers, StartMailboxExportJob,
 * DescribeMailboxExportJob, ListMailboxExportJobs. Jobs run for a (short, real) time, then write a zip
 * into an S3 server through the S3 protocol, or fail with ErrorInfo. No public WorkMail emulator exists.
 * It never imports from src/: it models WorkMail from its API reference, not from eml-import.
 */

export interface WorkMailEmulatorOptions {
  readonly organizationId?: string;
  readonly users?: readonly EmulatedUser[];
  /** The S3 server jobs write into (path-style); without it every job fails with an S3 ErrorInfo. */
  readonly s3?: { readonly endpoint: string; readonly credentials: { accessKeyId: string; secretAccessKey: string }; readonly region?: string };
  /** Real milliseconds a job runs, per user (default 1,500). */
  readonly jobDurationMs?: number | ((user: EmulatedUser) => number);
  /** WorkMail's documented limit is 10. */
  readonly maxConcurrentJobs?: number;
  /** Jobs for these emails fail halfway with this ErrorInfo. */
  readonly failures?: Readonly<Record<string, string>>;
  /** Users per ListUsers page when the caller does not ask for fewer (the API's maximum is 100). */
  readonly pageSize?: number;
  /**
   * How S3Path is spelled. The API reference calls it "the path to the S3 bucket and file" without an
   * example: `bucket/key` (the default here) or the bare `key`. Clients must cope with both.
   */
  readonly s3PathStyle?: 'bucket/key' | 'key';
  /**
   * Quirk, off by default: answer without S3Path (every response field is "Required: No" in the API
   * reference, S3Path included), to see what a client does with a completed job that does not say where.
   */
  readonly omitS3Path?: boolean;
  /** Messages in each exported zip. */
  readonly messagesPerZip?: number;
}

export interface WorkMailEmulator {
  readonly url: string;
  readonly organizationId: string;
  readonly organisation: Organisation;
  /** Every request's operation name, in order (for tests that count calls). */
  readonly calls: string[];
  /** Starts a job as the console (or another tool) would, outside the API. */
  startJob(input: StartJobInput): EmulatedJob;
  close(): Promise<void>;
}

export const DEFAULT_ORGANIZATION_ID = 'm-0123456789abcdef0123456789abcdef';

export function defaultUsers(count = 5, domain = 'example.awsapps.com'): EmulatedUser[] {
  return Array.from({ length: count }, (_, i) => {
    const name = `user${String(i + 1).padStart(2, '0')}`;
    return { id: `${String(i + 1).padStart(8, '0')}-1234-1234-1234-123456789012`, email: `${name}@${domain}`, name, displayName: `User ${i + 1}`, state: 'ENABLED', role: 'USER' } as const;
  });
}

const epochSeconds = (ms: number | null): number | undefined => (ms === null ? undefined : ms / 1000);

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': crypto.randomUUID(), ...headers });
  response.end(text);
}

function fault(response: ServerResponse, error: WorkMailFault): void {
  send(response, error.status, { __type: error.type, Message: error.message }, { 'x-amzn-errortype': error.type });
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new WorkMailFault('SerializationException', 'The request body is not a JSON object.');
}

function required(body: Record<string, unknown>, field: string, pattern?: RegExp): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') throw new WorkMailFault('InvalidParameterException', `${field} is required.`);
  if (pattern && !pattern.test(value)) throw new WorkMailFault('InvalidParameterException', `${field} '${value}' does not match ${pattern.source}.`);
  return value;
}

/** Paging tokens are opaque to clients; here they are the next offset. */
function page<T>(items: readonly T[], body: Record<string, unknown>, defaultSize: number): { items: T[]; next?: string } {
  const start = typeof body['NextToken'] === 'string' ? Number(Buffer.from(body['NextToken'], 'base64').toString('utf8')) : 0;
  if (!Number.isInteger(start) || start < 0) throw new WorkMailFault('InvalidNextTokenException', 'The NextToken is not valid.');
  const size = typeof body['MaxResults'] === 'number' ? Math.min(body['MaxResults'], defaultSize) : defaultSize;
  const slice = items.slice(start, start + size);
  return start + size < items.length ? { items: slice, next: Buffer.from(String(start + size)).toString('base64') } : { items: slice };
}

export async function startWorkMailEmulator(options: WorkMailEmulatorOptions = {}, port = 0): Promise<WorkMailEmulator> {
  const duration = options.jobDurationMs ?? 1500;
  const organisation = new Organisation({
    organizationId: options.organizationId ?? DEFAULT_ORGANIZATION_ID,
    users: options.users ?? defaultUsers(),
    maxConcurrentJobs: options.maxConcurrentJobs ?? 10,
    mailboxCooldownMs: DAY_MS,
    jobDurationMs: typeof duration === 'function' ? duration : () => duration,
  });
  const s3 = options.s3
    ? new S3Client({ endpoint: options.s3.endpoint, region: options.s3.region ?? 'us-east-1', credentials: options.s3.credentials, forcePathStyle: true })
    : null;
  const pathStyle = options.s3PathStyle ?? 'bucket/key';
  const pageSize = options.pageSize ?? 100;
  const calls: string[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const later = (ms: number, work: () => Promise<void>): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      void work();
    }, ms);
    timers.add(timer);
  };

  /** Runs a started job to its end: a failure halfway, or the zip PUT into S3 and then COMPLETED. */
  const schedule = (job: EmulatedJob): void => {
    const failure = options.failures?.[job.user.email];
    if (failure !== undefined) {
      later(job.durationMs / 2, async () => organisation.finish(job, { state: 'FAILED', errorInfo: failure }));
      return;
    }
    later(job.durationMs, async () => {
      if (!s3) {
        organisation.finish(job, { state: 'FAILED', errorInfo: 'Unable to write to the S3 bucket: no S3 endpoint is configured.' });
        return;
      }
      try {
        const body = await exportZipFor(job.user, options.messagesPerZip);
        await s3.send(new PutObjectCommand({ Bucket: job.bucket, Key: job.key, Body: body, ContentType: 'application/zip' }));
        organisation.finish(job, { state: 'COMPLETED' });
      } catch (error) {
        organisation.finish(job, { state: 'FAILED', errorInfo: `Unable to write to the S3 bucket ${job.bucket}: ${(error as Error).name}.` });
      }
    });
  };

  const startJob = (input: StartJobInput): EmulatedJob => {
    const before = organisation.jobs.size;
    const job = organisation.start(input);
    if (organisation.jobs.size > before) schedule(job);
    return job;
  };

  const s3Path = (job: EmulatedJob): string => (pathStyle === 'key' ? job.key : `${job.bucket}/${job.key}`);

  const operations: Record<string, (body: Record<string, unknown>) => unknown> = {
    ListUsers: (body) => {
      organisation.checkOrganisation(body['OrganizationId']);
      const { items, next } = page(organisation.users(), body, pageSize);
      return {
        Users: items.map((u) => ({ Id: u.id, Email: u.email, Name: u.name, DisplayName: u.displayName, State: u.state, UserRole: u.role })),
        ...(next ? { NextToken: next } : {}),
      };
    },
    StartMailboxExportJob: (body) => {
      organisation.checkOrganisation(body['OrganizationId']);
      const input = {
        organizationId: body['OrganizationId'] as string,
        entityId: required(body, 'EntityId', /^[a-zA-Z0-9._%+@-]+$/),
        clientToken: required(body, 'ClientToken', /^[\x21-\x7e]{1,128}$/),
        description: typeof body['Description'] === 'string' ? body['Description'] : '',
        roleArn: required(body, 'RoleArn', /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/),
        kmsKeyArn: required(body, 'KmsKeyArn', /^arn:aws[a-z-]*:kms:[a-z0-9-]*:[a-z0-9-]+:[A-Za-z0-9][A-Za-z0-9:_/+=,@.-]{0,1023}$/),
        bucket: required(body, 'S3BucketName', /^[A-Za-z0-9.-]{1,63}$/),
        prefix: required(body, 'S3Prefix', /^[A-Za-z0-9!_.*'()/-]+$/),
      };
      return { JobId: startJob(input).jobId };
    },
    DescribeMailboxExportJob: (body) => {
      organisation.checkOrganisation(body['OrganizationId']);
      const job = organisation.job(body['JobId']);
      return {
        EntityId: job.entityId,
        Description: job.description,
        RoleArn: job.roleArn,
        KmsKeyArn: job.kmsKeyArn,
        S3BucketName: job.bucket,
        S3Prefix: job.prefix,
        ...(options.omitS3Path ? {} : { S3Path: s3Path(job) }),
        EstimatedProgress: organisation.progress(job),
        State: job.state,
        ...(job.errorInfo ? { ErrorInfo: job.errorInfo } : {}),
        StartTime: epochSeconds(job.startTime),
        ...(job.endTime !== null ? { EndTime: epochSeconds(job.endTime) } : {}),
      };
    },
    ListMailboxExportJobs: (body) => {
      organisation.checkOrganisation(body['OrganizationId']);
      const { items, next } = page(organisation.listed(), body, 25);
      return {
        Jobs: items.map((job) => ({
          JobId: job.jobId,
          EntityId: job.entityId,
          Description: job.description,
          S3BucketName: job.bucket,
          ...(options.omitS3Path ? {} : { S3Path: s3Path(job) }),
          EstimatedProgress: organisation.progress(job),
          State: job.state,
          StartTime: epochSeconds(job.startTime),
          ...(job.endTime !== null ? { EndTime: epochSeconds(job.endTime) } : {}),
        })),
        ...(next ? { NextToken: next } : {}),
      };
    },
  };

  const server = createServer((request, response) => {
    void (async () => {
      try {
        const target = String(request.headers['x-amz-target'] ?? '');
        const operation = target.startsWith('WorkMailService.') ? target.slice('WorkMailService.'.length) : '';
        if (request.method !== 'POST' || !operations[operation]) throw new WorkMailFault('UnknownOperationException', `Unknown operation '${target}'.`);
        // The SDK always signs; an unsigned request means the credential chain found nothing.
        if (!String(request.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 ')) throw new WorkMailFault('MissingAuthenticationTokenException', 'Missing Authentication Token', 400);
        calls.push(operation);
        send(response, 200, operations[operation]!(await readJson(request)));
      } catch (error) {
        if (error instanceof WorkMailFault) fault(response, error);
        else send(response, 500, { __type: 'InternalFailure', Message: (error as Error).message }, { 'x-amzn-errortype': 'InternalFailure' });
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    organizationId: organisation.organizationId,
    organisation,
    calls,
    startJob,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      s3?.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
