import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runCli } from '../helpers/run-cli.js';
import { startS3Server, type S3Server } from '../helpers/s3-server.js';
import { DAY_MS } from '../workmail-emulator/organisation.js';
import { defaultUsers, startWorkMailEmulator, type WorkMailEmulator } from '../workmail-emulator/index.js';
import { AWS_ENV, BUCKET, exportArgs, jobsPerMailbox, objectExists, readMap, setAwsEnv } from './harness.js';
import { EXPORTS_FILE, EXPORTS_LOCK_FILE, ExportJobStore } from '../../src/export/job-store.js';

const FAILING = 'user03@example.awsapps.com';
const ERROR_INFO = 'The mailbox could not be read: MailboxCorrupted.';

let s3: S3Server;
let emulator: WorkMailEmulator | null = null;
let restoreEnv: (() => void) | undefined;

beforeAll(async () => {
  s3 = await startS3Server([BUCKET]);
  // The SDK's credential chain reads the process environment, as it would in production.
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

function work(): string {
  return mkdtempSync(join(tmpdir(), 'eml-import-export-'));
}

describe('eml-import export against the WorkMail emulator and a real S3 server', () => {
  it('exports every user at most --max-running at a time, lists the failed job with its ErrorInfo, and writes the rewritten map', async () => {
    emulator = await startWorkMailEmulator({ s3, users: defaultUsers(7), jobDurationMs: 300, pageSize: 3, failures: { [FAILING]: ERROR_INFO } });
    const dir = work();
    const rename = join(dir, 'rename.csv');
    writeFileSync(rename, 'from,to\nuser02@example.awsapps.com,anna.berg@contoso.com\n');
    const mapOut = join(dir, 'map.csv');
    const run = await runCli([...exportArgs(emulator, join(dir, 'state'), mapOut), '--all', '--max-running', '3', '--target-domain', 'contoso.com', '--rename', rename], AWS_ENV);

    expect(run.status).toBe(1);
    expect(emulator.organisation.peakRunning).toBeLessThanOrEqual(3);
    expect(emulator.organisation.peakRunning).toBeGreaterThan(1);
    expect([...jobsPerMailbox(emulator).values()]).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect(run.stdout).toContain('Failed exports:');
    expect(run.stdout).toContain(`${FAILING}: ${ERROR_INFO}`);

    const map = readMap(mapOut);
    expect(map.map((row) => row.mailbox).sort()).toEqual(['anna.berg@contoso.com', 'user01@contoso.com', 'user04@contoso.com', 'user05@contoso.com', 'user06@contoso.com', 'user07@contoso.com']);
    for (const row of map) {
      expect(row.zip).toMatch(/^s3:\/\/workmail-exports\/exports\/2026\/[0-9a-f-]+\.zip$/);
      expect(await objectExists(s3, row.zip)).toBe(true);
    }
    // Every job is in the record with WorkMail's fields.
    const db = new Database(join(dir, 'state', 'exports.db'), { readonly: true });
    const rows = db.prepare('SELECT email, job_id, state, s3_uri, error_info, estimated_progress, started_at, ended_at FROM export_jobs').all() as Record<string, unknown>[];
    db.close();
    expect(rows).toHaveLength(7);
    const failed = rows.find((r) => r['email'] === FAILING)!;
    expect(failed).toMatchObject({ state: 'FAILED', error_info: ERROR_INFO });
    expect(rows.filter((r) => r['state'] === 'COMPLETED').every((r) => r['estimated_progress'] === 100 && r['started_at'] && r['ended_at'] && r['job_id'])).toBe(true);
    // No secret reaches any output.
    expect(run.stdout + run.stderr).not.toContain(AWS_ENV.AWS_SECRET_ACCESS_KEY);
    expect(run.stdout + run.stderr).not.toMatch(/AWS4-HMAC-SHA256|Signature=/);
  });

  it('a re-run starts no second job: it reuses completed exports and says the failed one must wait 24 hours', async () => {
    emulator = await startWorkMailEmulator({ s3, users: defaultUsers(4), jobDurationMs: 200, failures: { [FAILING]: ERROR_INFO } });
    const dir = work();
    const args = [...exportArgs(emulator, join(dir, 'state'), join(dir, 'map.csv')), '--all'];
    const first = await runCli(args, AWS_ENV);
    expect(first.status).toBe(1);
    const firstMap = readMap(join(dir, 'map.csv'));
    const startsBefore = emulator.organisation.jobs.size;

    const second = await runCli(args, AWS_ENV);
    expect(second.status).toBe(1);
    expect(emulator.organisation.jobs.size).toBe(startsBefore);
    expect(emulator.organisation.cooldownRefusals).toEqual([]);
    expect(second.stderr).toContain('user01@example.awsapps.com: already exported');
    expect(second.stderr).toMatch(/user03@example\.awsapps\.com: not starting: the last export failed .*24 hours/);
    expect(readMap(join(dir, 'map.csv'))).toEqual(firstMap);
  });

  it('waits when WorkMail answers LimitExceededException and finishes every export', async () => {
    // Jobs outlast the SDK's own retries of the throttling error (at most about 3 s), so the refusal reaches the command.
    emulator = await startWorkMailEmulator({ s3, users: defaultUsers(3), jobDurationMs: 3500, maxConcurrentJobs: 1 });
    const dir = work();
    const run = await runCli([...exportArgs(emulator, join(dir, 'state'), join(dir, 'map.csv')), '--all', '--max-running', '10'], AWS_ENV);
    expect(run.status).toBe(0);
    expect(emulator.organisation.limitRefusals).toBeGreaterThan(0);
    expect(emulator.organisation.peakRunning).toBe(1);
    expect(emulator.organisation.cooldownRefusals).toEqual([]);
    expect(run.stderr).toContain('limit of concurrent export jobs is reached');
    expect(readMap(join(dir, 'map.csv'))).toHaveLength(3);
  });

  it('takes over a job started elsewhere instead of starting a second one, whichever way S3Path is spelled', async () => {
    emulator = await startWorkMailEmulator({ s3, users: defaultUsers(2), jobDurationMs: 200, s3PathStyle: 'key' });
    emulator.startJob({
      organizationId: emulator.organizationId, entityId: 'user01@example.awsapps.com', clientToken: 'console-1', description: 'from the console',
      roleArn: 'arn:aws:iam::111122223333:role/R', kmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/k', bucket: BUCKET, prefix: 'console',
    });
    const dir = work();
    const run = await runCli([...exportArgs(emulator, join(dir, 'state'), join(dir, 'map.csv')), '--users', 'user01,user02@example.awsapps.com'], AWS_ENV);
    expect(run.stderr).toContain('found in WorkMail');
    expect([...jobsPerMailbox(emulator).values()]).toEqual([1, 1]);
    expect(run.status).toBe(0);
    // The console's job is in the map under the console's own prefix.
    const map = readMap(join(dir, 'map.csv'));
    expect(map.find((r) => r.mailbox === 'user01@example.awsapps.com')?.zip).toMatch(/^s3:\/\/workmail-exports\/console\/[0-9a-f-]+\.zip$/);
    expect(map.find((r) => r.mailbox === 'user02@example.awsapps.com')?.zip).toMatch(/^s3:\/\/workmail-exports\/exports\/2026\/[0-9a-f-]+\.zip$/);
  });

  it('starts a new export once the failed one is more than 24 hours old', async () => {
    emulator = await startWorkMailEmulator({ s3, users: defaultUsers(3), jobDurationMs: 150, failures: { [FAILING]: ERROR_INFO } });
    const dir = work();
    const args = [...exportArgs(emulator, join(dir, 'state'), join(dir, 'map.csv')), '--all'];
    expect((await runCli(args, AWS_ENV)).status).toBe(1);
    // A day passes, in WorkMail and in the record.
    emulator.organisation.advanceClock(DAY_MS + 60_000);
    const db = new Database(join(dir, 'state', 'exports.db'));
    const earlier = new Date(Date.now() - DAY_MS - 60_000).toISOString();
    db.prepare('UPDATE export_jobs SET requested_at = ?, started_at = ?').run(earlier, earlier);
    db.close();
    const again = await runCli(args, AWS_ENV);
    expect(again.status).toBe(1);
    expect(jobsPerMailbox(emulator).get(FAILING)).toBe(2);
    expect(jobsPerMailbox(emulator).get('user01@example.awsapps.com')).toBe(1);
    expect(emulator.organisation.cooldownRefusals).toEqual([]);
  });

  it('an unknown organisation or missing credentials stop the run with one sentence and exit 2, before anything is written', async () => {
    emulator = await startWorkMailEmulator({ s3, users: defaultUsers(1) });
    const dir = work();
    const base = exportArgs(emulator, join(dir, 'state'), join(dir, 'map.csv'));
    const wrongOrg = await runCli([...base, '--all', '--organization-id', 'm-ffffffffffffffffffffffffffffffff'], AWS_ENV);
    expect(wrongOrg.status).toBe(2);
    expect(wrongOrg.stderr).toContain('OrganizationNotFoundException: Organization m-ffffffffffffffffffffffffffffffff does not exist.');
    expect(existsSync(join(dir, 'state', 'exports.db'))).toBe(false);
    expect(existsSync(join(dir, 'map.csv'))).toBe(false);
  });

  it('command-line mistakes exit 2 before anything is written or started', async () => {
    emulator = await startWorkMailEmulator({ s3, users: defaultUsers(2) });
    const dir = work();
    const base = exportArgs(emulator, join(dir, 'state'), join(dir, 'map.csv'));
    const aFile = join(dir, 'a-file');
    writeFileSync(aFile, 'not a folder');
    const cases: [string[], RegExp][] = [
      [[...base, '--all', '--organization-id', 'm-123'], /--organization-id wants/],
      [[...base], /exactly one of --users, --users-file or --all/],
      [[...base, '--all', '--users', 'user01'], /exactly one of/],
      [[...base, '--all', '--kms-key', 'not-an-arn'], /--kms-key wants/],
      [[...base, '--all', '--max-running', '0'], /--max-running wants/],
      [[...base, '--all', '--target-domain', 'not a domain'], /--target-domain wants/],
      [[...base, '--users-file', join(dir, 'missing.txt')], /--users-file .*missing\.txt/],
      [[...base, '--users', 'user01,nobody@example.awsapps.com'], /nobody@example\.awsapps\.com: no such user/],
      [[...base, '--all', '--state', join(aFile, 'state')], /^eml-import: error: --state .*a-file\/state: cannot open the export job record there: ENOTDIR: not a directory, mkdir .*\n$/],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(args, AWS_ENV);
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
    }
    expect(existsSync(join(dir, 'state', 'exports.db'))).toBe(false);
    expect(existsSync(join(dir, 'map.csv'))).toBe(false);
    expect(emulator.calls.filter((c) => c === 'StartMailboxExportJob')).toEqual([]);
  });

  it('a second export on a state folder that an export is using stops at once with exit 2 and starts no job', async () => {
    emulator = await startWorkMailEmulator({ s3, users: defaultUsers(2) });
    const dir = work();
    const args = [...exportArgs(emulator, join(dir, 'state'), join(dir, 'map.csv')), '--all'];
    // The other export: it holds the job record, as a running one does until it ends.
    const other = ExportJobStore.open(join(dir, 'state', EXPORTS_FILE));
    try {
      const run = await runCli(args, AWS_ENV);
      expect(run.status, run.stderr).toBe(2);
      expect(run.stderr).toContain(`${join(dir, 'state', EXPORTS_LOCK_FILE)}: another eml-import export is using this state folder`);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(emulator.calls.filter((c) => c === 'StartMailboxExportJob')).toEqual([]);
      expect(existsSync(join(dir, 'map.csv'))).toBe(false);
    } finally {
      other.close();
    }
    const again = await runCli(args, AWS_ENV);
    expect(again.status, again.stderr).toBe(0);
    expect(emulator.calls.filter((c) => c === 'StartMailboxExportJob')).toHaveLength(2);
  });
});
