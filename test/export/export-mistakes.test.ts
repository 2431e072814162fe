import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { startS3Server, type S3Server } from '../helpers/s3-server.js';
import { startWorkMailEmulator, type WorkMailEmulator } from '../workmail-emulator/index.js';
import type { EmulatedUser } from '../workmail-emulator/organisation.js';
import { AWS_ENV, BUCKET, exportArgs, jobsPerMailbox, objectExists, readMap, runChild, setAwsEnv } from './harness.js';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { exportObjectUri } from '../../src/export/s3-location.js';

let s3: S3Server;
let emulator: WorkMailEmulator | null = null;
let restoreEnv: (() => void) | undefined;

beforeAll(async () => {
  s3 = await startS3Server([BUCKET, 'exports-acme', 'exports']);
  restoreEnv = setAwsEnv();
});
afterAll(async () => {
  await s3?.close();
  restoreEnv?.();
});
afterEach(async () => {
  await emulator?.close();
  emulator = null;
});

const work = (): string => mkdtempSync(join(tmpdir(), 'export-mistakes-'));
const user = (n: number, email: string, name: string, extra: Partial<EmulatedUser> = {}): EmulatedUser => ({
  id: `${String(n).padStart(8, '0')}-1234-1234-1234-123456789012`,
  email,
  name,
  state: 'ENABLED',
  role: 'USER',
  ...extra,
});

function withBucketAndPrefix(args: string[], bucket: string, prefix: string): string[] {
  const out = [...args];
  out[out.indexOf('--bucket') + 1] = bucket;
  out[out.indexOf('--prefix') + 1] = prefix;
  return out;
}

describe('export: what WorkMail and an admin can do that the first build did not expect', () => {
  it('--target-domain that folds two WorkMail users onto one Microsoft 365 mailbox stops with exit 2 before any job', async () => {
    emulator = await startWorkMailEmulator({ s3, users: [user(1, 'ann@acme.com', 'ann'), user(2, 'ann@acme-labs.com', 'ann.labs')], jobDurationMs: 100 });
    const dir = work();
    const mapOut = join(dir, 'map.csv');
    const run = await runCli([...exportArgs(emulator, join(dir, 'state'), mapOut), '--all', '--target-domain', 'contoso.com'], AWS_ENV);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('ann@acme.com, ann@acme-labs.com -> ann@contoso.com');
    expect(emulator.organisation.startRequests).toBe(0);
    // A rename row for one of them settles it.
    const rename = join(dir, 'rename.csv');
    writeFileSync(rename, 'from,to\nann@acme-labs.com,ann.labs@contoso.com\n');
    const renamed = await runCli([...exportArgs(emulator, join(dir, 'state'), mapOut), '--all', '--target-domain', 'contoso.com', '--rename', rename], AWS_ENV);
    expect(renamed.status).toBe(0);
    expect(readMap(mapOut).map((r) => r.mailbox).sort()).toEqual(['ann.labs@contoso.com', 'ann@contoso.com']);
  });

  it('S3Path bucket/key is read as bucket/key also when the prefix is a string prefix of the bucket name', () => {
    // WorkMail: S3Path is "the path to the S3 bucket and file"
    expect(exportObjectUri('exports-acme', 'exports', 'exports-acme/exports/job1.zip')).toBe('s3://exports-acme/exports/job1.zip');
  });

  it('S3Path bucket/key is read as bucket/key also when the prefix equals the bucket name', () => {
    expect(exportObjectUri('exports', 'exports', 'exports/exports/job1.zip')).toBe('s3://exports/exports/job1.zip');
  });

  it('end to end: bucket exports-acme, prefix exports: the map names the object the job wrote', async () => {
    emulator = await startWorkMailEmulator({ s3, users: [user(1, 'ann@acme.com', 'ann')], jobDurationMs: 100 });
    const dir = work();
    const mapOut = join(dir, 'map.csv');
    const run = await runCli([...withBucketAndPrefix(exportArgs(emulator, join(dir, 'state'), mapOut), 'exports-acme', 'exports'), '--all'], AWS_ENV);
    expect(run.status).toBe(0);
    const map = readMap(mapOut);
    const job = [...emulator.organisation.jobs.values()][0]!;
    expect(map[0]!.zip).toBe(`s3://exports-acme/${job.key}`);
    expect(await objectExists(s3, map[0]!.zip)).toBe(true);
  });

  it('a job started elsewhere by user NAME is not taken over for another user whose email local part is that name', async () => {
    // Anna Bergstrom married: her address became anna.lindqvist@, her user name stayed anna.bergstrom.
    // A new hire, also Anna Bergstrom, was given anna.bergstrom@ and the user name anna.bergstrom2.
    const first = user(1, 'anna.lindqvist@acme.com', 'anna.bergstrom');
    const second = user(2, 'anna.bergstrom@acme.com', 'anna.bergstrom2');
    emulator = await startWorkMailEmulator({ s3, users: [first, second], jobDurationMs: 100 });
    // A pilot export of the first Anna, started with the AWS CLI by her user name (EntityId accepts a user name).
    emulator.startJob({ organizationId: emulator.organizationId, entityId: 'anna.bergstrom', clientToken: 'cli-1', description: 'pilot', roleArn: 'arn:aws:iam::111122223333:role/R', kmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/k', bucket: BUCKET, prefix: 'pilot' });
    await new Promise((r) => setTimeout(r, 400));
    const dir = work();
    const mapOut = join(dir, 'map.csv');
    const run = await runCli([...exportArgs(emulator, join(dir, 'state'), mapOut), '--users', 'anna.bergstrom@acme.com'], AWS_ENV);
    expect(run.status).toBe(0);
    const secondJobs = [...emulator.organisation.jobs.values()].filter((j) => j.user.id === second.id);
    expect(secondJobs).toHaveLength(1);
    expect(readMap(mapOut)).toEqual([{ zip: `s3://${BUCKET}/${secondJobs[0]!.key}`, mailbox: 'anna.bergstrom@acme.com' }]);
  });

  it('a completed export started elsewhere more than 24 hours ago (a pilot) is not taken over: a fresh one is started', async () => {
    const ann = user(1, 'ann@acme.com', 'ann');
    emulator = await startWorkMailEmulator({ s3, users: [ann], jobDurationMs: 100 });
    emulator.startJob({ organizationId: emulator.organizationId, entityId: ann.id, clientToken: 'pilot-1', description: 'pilot', roleArn: 'arn:aws:iam::111122223333:role/R', kmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/k', bucket: BUCKET, prefix: 'pilot' });
    await new Promise((r) => setTimeout(r, 400));
    // Made three days ago: WorkMail lists a week of jobs.
    for (const job of emulator.organisation.jobs.values()) {
      const aged = job as { startTime: number; endTime: number | null };
      aged.startTime -= 3 * 24 * 3600_000;
      if (aged.endTime !== null) aged.endTime -= 3 * 24 * 3600_000;
    }
    const dir = work();
    const mapOut = join(dir, 'map.csv');
    const run = await runCli([...exportArgs(emulator, join(dir, 'state'), mapOut), '--users', 'ann@acme.com'], AWS_ENV);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr, run.stderr).toContain('more than 24 hours old: not taken over');
    const jobs = [...emulator.organisation.jobs.values()].sort((a, b) => a.startTime - b.startTime);
    expect(jobs).toHaveLength(2);
    expect(readMap(mapOut)).toEqual([{ zip: `s3://${BUCKET}/${jobs[1]!.key}`, mailbox: 'ann@acme.com' }]);
  });

  it('a job WorkMail no longer knows (DescribeMailboxExportJob: EntityNotFoundException) is recorded as failed, not polled forever', async () => {
    emulator = await startWorkMailEmulator({ s3, users: [user(1, 'ann@acme.com', 'ann')], jobDurationMs: 60_000 });
    const dir = work();
    const mapOut = join(dir, 'map.csv');
    const em = emulator;
    // The job vanishes from WorkMail once started (e.g. the user was deleted mid-export).
    const timer = setInterval(() => { for (const id of em.organisation.jobs.keys()) em.organisation.jobs.delete(id); }, 20);
    const started = Date.now();
    const run = await runChild([...exportArgs(emulator, join(dir, 'state'), mapOut), '--all', '--no-progress'], () => Date.now() - started > 8000, { stdout: true });
    clearInterval(timer);
    expect(run.killed).toBe(false);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('WorkMail no longer knows this job: EntityNotFoundException');
  }, 20_000);

  it('--wait-for-exports says so when no export follows the jobs it waits for (the export process died, the job failed)', async () => {
    emulator = await startWorkMailEmulator({ s3, users: [user(1, 'ann@acme.com', 'ann')], jobDurationMs: 1500, failures: { 'ann@acme.com': 'MailboxCorrupted' } });
    const dir = work();
    const state = join(dir, 'state');
    const mapOut = join(dir, 'map.csv');
    const exporting = await runChild([...exportArgs(emulator, state, mapOut), '--all', '--no-progress'], () => existsSync(mapOut) && readFileSync(mapOut, 'utf8').includes('s3://'));
    expect(exporting.killed).toBe(true);
    await new Promise((r) => setTimeout(r, 1500)); // the job fails in WorkMail meanwhile
    expect([...emulator.organisation.jobs.values()].map((j) => j.state)).toEqual(['FAILED']);
    const started = Date.now();
    const run = await runChild(['--map', mapOut, '--wait-for-exports', '--dry-run', '--state', state, '--no-progress', '--s3-endpoint', s3.endpoint, '--s3-region', 'us-east-1', '--report', join(dir, 'report')], () => Date.now() - started > 12_000, { env: { EML_IMPORT_EXPORT_POLL_MS: '50' } });
    const seen = run.stderr;
    // It still waits (the record says RUNNING), but says why and what to do instead of waiting without a word.
    expect(seen).toMatch(/has not changed since .*: no eml-import export seems to be following these jobs; start it with the same --state/);
  }, 30_000);

  it('a job that COMPLETED without an S3Path is not counted as exported: it has no map row, so its mailbox would never be imported', async () => {
    emulator = await startWorkMailEmulator({ s3, users: [user(1, 'ann@acme.com', 'ann')], jobDurationMs: 100, omitS3Path: true });
    const dir = work();
    const mapOut = join(dir, 'map.csv');
    const run = await runCli([...exportArgs(emulator, join(dir, 'state'), mapOut), '--all'], AWS_ENV);
    expect(readMap(mapOut)).toEqual([]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('gave no S3Path');
  });

  it('SIGKILL at random moments, then a run to the end: every mailbox exported once, none started twice', async () => {
    const users = Array.from({ length: 8 }, (_, i) => user(i + 1, `u${i + 1}@acme.com`, `u${i + 1}`));
    emulator = await startWorkMailEmulator({ s3, users, jobDurationMs: (u) => 300 + 150 * Number(u.name.slice(1)), maxConcurrentJobs: 3 });
    const dir = work();
    const mapOut = join(dir, 'map.csv');
    const args = [...exportArgs(emulator, join(dir, 'state'), mapOut), '--all', '--max-running', '5', '--no-progress'];
    const org = emulator.organisation;
    for (let i = 0; i < 6; i++) {
      const before = org.startRequests;
      const wait = 5 + Math.floor(Math.random() * 40);
      const run = await runChild(args, () => org.startRequests >= before + 1 + (i % 3) && Date.now() % wait === 0);
      if (!run.killed) break;
    }
    const last = await runChild(args, null, { stdout: true });
    expect(last.status).toBe(0);
    expect([...jobsPerMailbox(emulator).values()]).toEqual(Array(8).fill(1));
    expect(org.cooldownRefusals).toEqual([]);
    const map = readMap(mapOut);
    expect(map).toHaveLength(8);
    for (const row of map) expect(await objectExists(s3, row.zip)).toBe(true);
  }, 120_000);
});
