import {
  DescribeMailboxExportJobCommand,
  ListMailboxExportJobsCommand,
  ListUsersCommand,
  StartMailboxExportJobCommand,
  WorkMailClient,
} from '@aws-sdk/client-workmail';
import type { WorkMailUser } from './select-users.js';
import { quietSdkNodeVersionWarning } from '../source/aws-sdk-warning.js';

/** What DescribeMailboxExportJob (and, with less, ListMailboxExportJobs) says about a job. */
export interface ExportJobStatus {
  readonly jobId: string;
  readonly entityId: string | null;
  readonly state: 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';
  readonly bucket: string | null;
  readonly prefix: string | null;
  readonly s3Path: string | null;
  readonly errorInfo: string | null;
  readonly estimatedProgress: number | null;
  readonly startTime: Date | null;
  readonly endTime: Date | null;
}

export interface StartExportInput {
  readonly organizationId: string;
  readonly entityId: string;
  readonly clientToken: string;
  readonly description: string;
  readonly roleArn: string;
  readonly kmsKeyArn: string;
  readonly bucket: string;
  readonly prefix: string;
}

/** The four WorkMail calls the export needs, over the real SDK client. */
export interface WorkMailApi {
  listUsers(organizationId: string): Promise<WorkMailUser[]>;
  startExport(input: StartExportInput): Promise<string>;
  describeExport(organizationId: string, jobId: string): Promise<ExportJobStatus>;
  /** WorkMail lists only jobs started in the last seven days. */
  listExports(organizationId: string): Promise<ExportJobStatus[]>;
  close(): void;
}

export interface WorkMailConnection {
  /** Else the SDK's chain: AWS_REGION, the profile's region. */
  readonly region?: string;
  /** A WorkMail-compatible endpoint (the local emulator). */
  readonly endpoint?: string;
}

function jobState(value: string | undefined): ExportJobStatus['state'] {
  // Match WorkMail's enum exactly; anything else is reported as it is, never taken for success.
  if (value === 'RUNNING' || value === 'COMPLETED' || value === 'FAILED' || value === 'CANCELLED') return value;
  throw new Error(`WorkMail reported an unknown export job state '${String(value)}'`);
}

/** Credentials come from the standard AWS chain (environment, profile incl. SSO, web identity, instance role). */
export function workMailApi(connection: WorkMailConnection): WorkMailApi {
  quietSdkNodeVersionWarning();
  const client = new WorkMailClient({
    ...(connection.region ? { region: connection.region } : {}),
    ...(connection.endpoint ? { endpoint: connection.endpoint } : {}),
  });
  return {
    async listUsers(organizationId) {
      const users: WorkMailUser[] = [];
      let nextToken: string | undefined;
      do {
        const page = await client.send(new ListUsersCommand({ OrganizationId: organizationId, MaxResults: 100, NextToken: nextToken }));
        for (const u of page.Users ?? []) {
          if (u.Id) users.push({ id: u.Id, email: u.Email ?? null, name: u.Name ?? null, state: u.State ?? null, role: u.UserRole ?? null });
        }
        nextToken = page.NextToken;
      } while (nextToken);
      return users;
    },
    async startExport(input) {
      const answer = await client.send(
        new StartMailboxExportJobCommand({
          OrganizationId: input.organizationId,
          EntityId: input.entityId,
          ClientToken: input.clientToken,
          Description: input.description,
          RoleArn: input.roleArn,
          KmsKeyArn: input.kmsKeyArn,
          S3BucketName: input.bucket,
          S3Prefix: input.prefix,
        }),
      );
      if (!answer.JobId) throw new Error('WorkMail started an export job without saying its JobId');
      return answer.JobId;
    },
    async describeExport(organizationId, jobId) {
      const job = await client.send(new DescribeMailboxExportJobCommand({ OrganizationId: organizationId, JobId: jobId }));
      return {
        jobId,
        entityId: job.EntityId ?? null,
        state: jobState(job.State),
        bucket: job.S3BucketName ?? null,
        prefix: job.S3Prefix ?? null,
        s3Path: job.S3Path ?? null,
        errorInfo: job.ErrorInfo ?? null,
        estimatedProgress: job.EstimatedProgress ?? null,
        startTime: job.StartTime ?? null,
        endTime: job.EndTime ?? null,
      };
    },
    async listExports(organizationId) {
      const jobs: ExportJobStatus[] = [];
      let nextToken: string | undefined;
      do {
        const page = await client.send(new ListMailboxExportJobsCommand({ OrganizationId: organizationId, MaxResults: 25, NextToken: nextToken }));
        for (const job of page.Jobs ?? []) {
          if (!job.JobId) continue;
          jobs.push({
            jobId: job.JobId,
            entityId: job.EntityId ?? null,
            state: jobState(job.State),
            bucket: job.S3BucketName ?? null,
            prefix: null,
            s3Path: job.S3Path ?? null,
            errorInfo: null,
            estimatedProgress: job.EstimatedProgress ?? null,
            startTime: job.StartTime ?? null,
            endTime: job.EndTime ?? null,
          });
        }
        nextToken = page.NextToken;
      } while (nextToken);
      return jobs;
    },
    close: () => client.destroy(),
  };
}

export type WorkMailErrorKind = 'limit' | 'entity' | 'fatal' | 'transient';

const FATAL = new Set([
  'OrganizationNotFoundException',
  'OrganizationStateException',
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'MissingAuthenticationTokenException',
  'IncompleteSignature',
  'InvalidParameterException',
  'ValidationException',
  'UnsupportedOperationException',
  'CredentialsProviderError',
  'UnknownOperationException',
]);

/**
 * What a failed WorkMail call means for the run: wait (the 10-job limit), give up on this mailbox
 * (unknown or disabled user), stop (credentials, organisation, parameters: retrying cannot help), or try
 * again later (5xx, network; the SDK has already retried).
 */
export function classifyWorkMailError(error: unknown): WorkMailErrorKind {
  const name = (error as { name?: string }).name ?? '';
  if (name === 'LimitExceededException') return 'limit';
  if (name === 'EntityNotFoundException' || name === 'EntityStateException' || name === 'MailDomainStateException') return 'entity';
  if (FATAL.has(name)) return 'fatal';
  if (/region is missing/i.test((error as Error).message ?? '')) return 'fatal';
  return 'transient';
}

/** One sentence for a failed call; the SDK's messages carry no secrets. */
export function describeWorkMailError(error: unknown): string {
  const e = error as { name?: string; message?: string };
  const name = e.name && e.name !== 'Error' ? `${e.name}: ` : '';
  return `${name}${e.message ?? String(error)}`;
}
