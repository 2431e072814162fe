import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { parse } from 'csv-parse/sync';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { S3Server } from '../helpers/s3-server.js';
import type { WorkMailEmulator } from '../workmail-emulator/index.js';

export const BUCKET = 'workmail-exports';
export const PREFIX = 'exports/2026';

/** The arguments that point `eml-import export` at a running emulator; add the selection and outputs. */
export function exportArgs(emulator: WorkMailEmulator, state: string, mapOut: string): string[] {
  return [
    'export',
    '--endpoint', emulator.url,
    '--region', 'us-east-1',
    '--organization-id', emulator.organizationId,
    '--bucket', BUCKET,
    '--prefix', PREFIX,
    '--kms-key', 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    '--role', 'arn:aws:iam::111122223333:role/WorkMailExportRole',
    '--state', state,
    '--map-out', mapOut,
  ];
}

/**
 * Test credentials for the SDK's chain: s3rver checks signatures against its own key pair; the WorkMail
 * emulator checks only that requests are signed.
 */
export const AWS_ENV = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', EML_IMPORT_EXPORT_POLL_MS: '40' };

/** Puts AWS_ENV into this process's environment, for the SDK clients a test makes in-process; returns the undo. */
export function setAwsEnv(): () => void {
  const saved = Object.keys(AWS_ENV).map((key) => [key, process.env[key]] as const);
  Object.assign(process.env, AWS_ENV);
  return () => {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}

export function readMap(path: string): { zip: string; mailbox: string }[] {
  return parse(readFileSync(path, 'utf8'), { columns: true, skip_empty_lines: true }) as { zip: string; mailbox: string }[];
}

export async function objectExists(s3: S3Server, uri: string): Promise<boolean> {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match) return false;
  const client = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', credentials: s3.credentials, forcePathStyle: true });
  try {
    await client.send(new HeadObjectCommand({ Bucket: match[1], Key: match[2] }));
    return true;
  } catch {
    return false;
  } finally {
    client.destroy();
  }
}

/** Jobs per mailbox in the emulator: the invariant is one each. */
export function jobsPerMailbox(emulator: WorkMailEmulator): Map<string, number> {
  const counts = new Map<string, number>();
  for (const job of emulator.organisation.jobs.values()) counts.set(job.user.email, (counts.get(job.user.email) ?? 0) + 1);
  return counts;
}

const root = resolve(import.meta.dirname, '..', '..');

export interface ChildRun {
  readonly status: number | null;
  readonly killed: boolean;
  readonly stderr: string;
  /** Empty unless asked for with `stdout: true`. */
  readonly stdout: string;
}

/**
 * The real CLI as a child process (AWS_ENV and `env` added to this process's environment), killed with
 * `signal` as soon as `killWhen` says so, polled every 2 ms, unless it ends first.
 */
export function runChild(args: readonly string[], killWhen: (() => boolean) | null, options: { signal?: NodeJS.Signals; env?: Record<string, string>; stdout?: boolean } = {}): Promise<ChildRun> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli.ts'), ...args], { cwd: root, env: { ...process.env, ...AWS_ENV, ...options.env }, stdio: ['ignore', options.stdout ? 'pipe' : 'ignore', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    let killed = false;
    const timer = killWhen === null ? null : setInterval(() => {
      if (killed || !killWhen()) return;
      killed = true;
      child.kill(options.signal ?? 'SIGKILL');
    }, 2);
    child.on('exit', (status) => {
      if (timer) clearInterval(timer);
      done({ status, killed, stderr, stdout });
    });
  });
}
