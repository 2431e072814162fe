import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { message, writeZip } from '../helpers/make-zip.js';
import { runCli } from '../helpers/run-cli.js';
import { startS3Server, type S3Server } from '../helpers/s3-server.js';
import { tenantEnv } from '../helpers/tenant.js';
import { defaultUsers, startWorkMailEmulator, type WorkMailEmulator } from '../workmail-emulator/index.js';
import { AWS_ENV, BUCKET, PREFIX, exportArgs, setAwsEnv } from './harness.js';
import { ExportJobStore } from '../../src/export/job-store.js';

const ANN = 'ann@contoso.onmicrosoft.com';
const FAILING = 'user02@example.awsapps.com';

let s3: S3Server;
let workmail: WorkMailEmulator;
let graph: Emulator;
let restoreEnv: (() => void) | undefined;

beforeAll(async () => {
  s3 = await startS3Server([BUCKET]);
  workmail = await startWorkMailEmulator({ s3, users: defaultUsers(2), jobDurationMs: 150, failures: { [FAILING]: 'Export failed: the mailbox is on legal hold.' } });
  graph = await startEmulator({ mailboxes: [ANN] });
  restoreEnv = setAwsEnv();
});

afterAll(async () => {
  await graph?.close();
  await workmail?.close();
  await s3?.close();
  restoreEnv?.();
});

describe('eml-import --map map.csv --wait-for-exports', () => {
  it('imports the rows whose zips are there and reports a row whose export failed, with its ErrorInfo', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eml-import-waitimport-'));
    const state = join(dir, 'state');
    const exported = await runCli([...exportArgs(workmail, state, join(dir, 'export-map.csv')), '--all'], AWS_ENV);
    expect(exported.status).toBe(1);
    const db = new Database(join(state, 'exports.db'), { readonly: true });
    const failedUri = (db.prepare(`SELECT s3_uri FROM export_jobs WHERE email = ?`).get(FAILING) as { s3_uri: string }).s3_uri;
    db.close();
    expect(failedUri).toMatch(/^s3:\/\//);

    // One local zip (ready at once) and the failed export's row, as an import started while the export ran would see them.
    const zip = await writeZip(join(dir, 'ann.zip'), [
      { name: 'Inbox/1.eml', content: message({ subject: 'Waited one', messageId: '<w1@x>' }) },
      { name: 'Inbox/2.eml', content: message({ subject: 'Waited two', messageId: '<w2@x>', date: 'Tue, 5 Mar 2024 10:00:00 +0000' }) },
    ]);
    const map = join(dir, 'map.csv');
    writeFileSync(map, `zip,mailbox\n${zip},${ANN}\n${failedUri},bob@contoso.onmicrosoft.com\n`);

    const run = await runCli(
      ['--map', map, '--wait-for-exports', '--tenant', graph.tenant, '--client-id', graph.clientId, '--authority-host', graph.url, '--graph-url', graph.url, '--state', state, '--no-progress', '--report', join(dir, 'report')],
      tenantEnv(graph, AWS_ENV),
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('1 mailbox export(s) did not land and were not imported');
    expect(run.stderr).toContain('bob@contoso.onmicrosoft.com: export job');
    expect(run.stderr).toContain('the mailbox is on legal hold');
    expect(graph.inspect.messages(ANN).map((m) => m.subject).sort()).toEqual(['Waited one', 'Waited two']);

    // The failed export is in every output, per mailbox, with WorkMail's ErrorInfo and a next step.
    const json = JSON.parse(readFileSync(join(dir, 'report', 'report.json'), 'utf8')) as { exportsNotLanded: Record<string, unknown>[] };
    expect(json.exportsNotLanded).toHaveLength(1);
    expect(json.exportsNotLanded[0]).toMatchObject({
      mailbox: 'bob@contoso.onmicrosoft.com',
      zip: failedUri,
      user: FAILING,
      state: 'FAILED',
      errorInfo: 'Export failed: the mailbox is on legal hold.',
    });
    expect(json.exportsNotLanded[0]!['jobId']).toMatch(/^[0-9a-f-]{36}$/);
    expect(json.exportsNotLanded[0]!['next']).toMatch(/fix what WorkMail says went wrong, then run eml-import export again, which starts a new job for user02@example\.awsapps\.com from 20\d\d-/);
    const html = readFileSync(join(dir, 'report', 'report.html'), 'utf8');
    expect(html).toContain('Exports that did not land');
    expect(html).toContain('Export failed: the mailbox is on legal hold.');
    expect(html).toContain('bob@contoso.onmicrosoft.com');
    expect(run.stdout).toMatch(/! bob@contoso\.onmicrosoft\.com: not imported: export job \S+ for user02@example\.awsapps\.com failed: Export failed: the mailbox is on legal hold\./);
    expect(run.stdout).toMatch(/^ {2}failed {2}bob@contoso\.onmicrosoft\.com +export not imported \(.*legal hold.*\): fix what WorkMail says/m);
    expect(run.stdout).toContain('1 mailbox not imported: the WorkMail export did not land');
  });

  it('stops with the one error prefix when the tenant refuses the import (exit 2, nothing written)', async () => {
    const refusing = await startEmulator({ mailboxes: [ANN] });
    try {
      // Without Mail-Advanced.ReadWrite.All, importMime (the default method) is not allowed: the check stops the run.
      refusing.configure({ clients: { [refusing.clientId]: { secret: refusing.clientSecret, roles: ['Mail.ReadWrite'] } } });
      const dir = mkdtempSync(join(tmpdir(), 'eml-import-waitimport-'));
      const zip = await writeZip(join(dir, 'ann.zip'), [{ name: 'Inbox/1.eml', content: message({ subject: 'Refused', messageId: '<r1@x>' }) }]);
      const map = join(dir, 'map.csv');
      writeFileSync(map, `zip,mailbox\n${zip},${ANN}\n`);
      const run = await runCli(
        ['--map', map, '--wait-for-exports', '--tenant', refusing.tenant, '--client-id', refusing.clientId, '--authority-host', refusing.url, '--graph-url', refusing.url, '--state', join(dir, 'state'), '--no-progress'],
        tenantEnv(refusing),
      );
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/^eml-import: error: stopped: .*Mail-Advanced\.ReadWrite\.All/m);
      expect(refusing.inspect.messages(ANN)).toEqual([]);
    } finally {
      await refusing.close();
    }
  });

  it('checks the tenant before it waits for exports still running: a refusal is said at once, not when they land', async () => {
    const slow = await startWorkMailEmulator({ s3, users: defaultUsers(1), jobDurationMs: 4000 });
    const refusing = await startEmulator({ mailboxes: [ANN] });
    try {
      refusing.configure({ clients: { [refusing.clientId]: { secret: refusing.clientSecret, roles: ['Mail.ReadWrite'] } } });
      const dir = mkdtempSync(join(tmpdir(), 'eml-import-waitimport-'));
      const state = join(dir, 'state');
      const exporting = runCli([...exportArgs(slow, state, join(dir, 'export-map.csv')), '--all'], AWS_ENV);
      let uri: string | undefined;
      for (let i = 0; i < 200 && uri === undefined; i++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        if (!existsSync(join(state, 'exports.db'))) continue;
        const db = new Database(join(state, 'exports.db'), { readonly: true });
        try {
          uri = (db.prepare(`SELECT s3_uri FROM export_jobs WHERE state = 'RUNNING' AND s3_uri IS NOT NULL`).get() as { s3_uri: string } | undefined)?.s3_uri;
        } catch {
          // The table is made by the export as it starts.
        } finally {
          db.close();
        }
      }
      expect(uri).toMatch(/^s3:\/\//);
      const map = join(dir, 'map.csv');
      writeFileSync(map, `zip,mailbox\n${uri},${ANN}\n`);
      const run = await runCli(
        ['--map', map, '--wait-for-exports', '--tenant', refusing.tenant, '--client-id', refusing.clientId, '--authority-host', refusing.url, '--graph-url', refusing.url, '--state', state, '--no-progress'],
        tenantEnv(refusing, AWS_ENV),
      );
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/^eml-import: error: stopped: .*Mail-Advanced\.ReadWrite\.All/m);
      expect(run.stderr).not.toMatch(/waiting for \d+ export/);
      expect((await exporting).status).toBe(0);
    } finally {
      await refusing.close();
      await slow.close();
    }
  });

  it('stops waiting for the exports still to come once an import stops the run (a permission withdrawn mid-run)', async () => {
    const BOB = 'bob@contoso.onmicrosoft.com';
    // The checks pass; the first create is then refused as a withdrawn permission would be.
    const withdrawn = await startEmulator({ mailboxes: [ANN, BOB], faults: { schedule: [{ kind: '403-access-denied', nth: 1, path: /importMime$/ }] } });
    try {
      const dir = mkdtempSync(join(tmpdir(), 'eml-import-waitimport-'));
      const state = join(dir, 'state');
      const zip = await writeZip(join(dir, 'ann.zip'), [{ name: 'Inbox/1.eml', content: message({ subject: 'Withdrawn', messageId: '<wd1@x>' }) }]);
      // Bob's export: a job that is still running and never ends.
      const running = `s3://${BUCKET}/${PREFIX}/never-ends.zip`;
      const store = ExportJobStore.open(join(state, 'exports.db'));
      try {
        const adopted = { organizationId: 'm-1', userId: 'u-bob', email: BOB, target: BOB, jobId: 'job-never-ends', bucket: BUCKET, prefix: PREFIX, startedAt: null };
        store.adopt(adopted, { state: 'RUNNING', s3Uri: running }, new Date());
      } finally {
        store.close();
      }
      const map = join(dir, 'map.csv');
      writeFileSync(map, `zip,mailbox\n${zip},${ANN}\n${running},${BOB}\n`);
      const run = await runCli(
        ['--map', map, '--wait-for-exports', '--tenant', withdrawn.tenant, '--client-id', withdrawn.clientId, '--authority-host', withdrawn.url, '--graph-url', withdrawn.url, '--state', state, '--no-progress', '--s3-endpoint', s3.endpoint, '--s3-region', 'us-east-1'],
        tenantEnv(withdrawn, { ...AWS_ENV, EML_IMPORT_EXPORT_POLL_MS: '50' }),
      );
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/^eml-import: error: stopped: .*403/m);
      // Stopped, not given up: Bob's export was neither waited out nor reported as failed.
      expect(run.stderr).not.toMatch(/did not land/);
      expect(withdrawn.inspect.messages(ANN)).toEqual([]);
    } finally {
      await withdrawn.close();
    }
  }, 20_000);

  it('goes on with the other mailboxes when one stops on its own (a full mailbox), and says which', async () => {
    const BOB = 'bob@contoso.onmicrosoft.com';
    const full = await startEmulator({ mailboxes: [ANN, BOB], quirks: { mailboxStates: { [BOB]: 'quota-exceeded' } } });
    try {
      const dir = mkdtempSync(join(tmpdir(), 'eml-import-waitimport-'));
      const bobZip = await writeZip(join(dir, 'bob.zip'), [{ name: 'Inbox/1.eml', content: message({ subject: 'For a full mailbox', messageId: '<full1@x>' }) }]);
      const annZip = await writeZip(join(dir, 'ann.zip'), [{ name: 'Inbox/1.eml', content: message({ subject: 'Still imported', messageId: '<full2@x>' }) }]);
      const map = join(dir, 'map.csv');
      // Bob's first: his stop must not end the wait before Ann's export is imported.
      writeFileSync(map, `zip,mailbox\n${bobZip},${BOB}\n${annZip},${ANN}\n`);
      const run = await runCli(
        ['--map', map, '--wait-for-exports', '--tenant', full.tenant, '--client-id', full.clientId, '--authority-host', full.url, '--graph-url', full.url, '--state', join(dir, 'state'), '--no-progress', '--parallel', '1'],
        tenantEnv(full, { EML_IMPORT_EXPORT_POLL_MS: '50' }),
      );
      expect(run.status, run.stderr).toBe(2);
      expect(run.stderr).toMatch(new RegExp(`stopped: ${BOB}: .*full`));
      expect(full.inspect.messages(ANN).map((m) => m.subject)).toEqual(['Still imported']);
      // The summary says per mailbox why, not "pending: run the same command again", which would fail the same way.
      expect(run.stdout).toMatch(new RegExp(`failed +${BOB} +1 of 1 failed: Mailbox ${BOB} is full`));
    } finally {
      await full.close();
    }
  }, 20_000);

  it('takes --landing-window as the plain import does: a create whose answer was lost is settled after it, exactly once', async () => {
    // The first importMime lands but its answer is lost: the run looks for it once the landing window has passed.
    const lossy = await startEmulator({ mailboxes: [ANN], faults: { schedule: [{ kind: '504-after-commit', nth: 1, path: /importMime$/ }] } });
    try {
      const dir = mkdtempSync(join(tmpdir(), 'eml-import-waitimport-'));
      const zip = await writeZip(join(dir, 'ann.zip'), [
        { name: 'Inbox/1.eml', content: message({ subject: 'Lost answer', messageId: '<l1@x>' }) },
        { name: 'Inbox/2.eml', content: message({ subject: 'Plain', messageId: '<l2@x>', date: 'Tue, 5 Mar 2024 10:00:00 +0000' }) },
      ]);
      const map = join(dir, 'map.csv');
      writeFileSync(map, `zip,mailbox\n${zip},${ANN}\n`);
      const run = await runCli(
        ['--map', map, '--wait-for-exports', '--tenant', lossy.tenant, '--client-id', lossy.clientId, '--authority-host', lossy.url, '--graph-url', lossy.url, '--state', join(dir, 'state'), '--no-progress', '--landing-window', '1'],
        tenantEnv(lossy),
      );
      // With the default window (300 s) the run would still be waiting here, past the test's time.
      expect(run.status, run.stderr).toBe(0);
      expect(lossy.inspect.faultsInjected().map((f) => f.kind)).toEqual(['504-after-commit']);
      expect(lossy.inspect.messages(ANN).map((m) => m.subject).sort()).toEqual(['Lost answer', 'Plain']);
    } finally {
      await lossy.close();
    }
  });

  it('is a usage error without --map, or with zips on the command line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eml-import-waitimport-'));
    const noMap = await runCli(['--wait-for-exports', '--dry-run', '--state', dir]);
    expect(noMap.status).toBe(2);
    expect(noMap.stderr).toContain('--wait-for-exports needs --map');
    const map = join(dir, 'map.csv');
    writeFileSync(map, 'zip,mailbox\na.zip,a@contoso.com\n');
    const withZips = await runCli(['a.zip', '--map', map, '--wait-for-exports', '--dry-run', '--state', dir]);
    expect(withZips.status).toBe(2);
    expect(withZips.stderr).toContain('takes the zips from --map');
    // Shards are sized by zips that are not there yet: refused, as is a {shard} path that would stay literal.
    for (const shard of [['--shard', '1/2'], ['--shard', 'auto'], ['--report', join(dir, 'r-{shard}')]]) {
      const sharded = await runCli(['--map', map, '--wait-for-exports', '--dry-run', '--state', dir, ...shard], { JOB_COMPLETION_INDEX: '0', EML_IMPORT_SHARD_COUNT: '2' });
      expect(sharded.status, shard.join(' ')).toBe(2);
      expect(sharded.stderr).toMatch(/--shard does not go with --wait-for-exports|needs --shard/);
      expect(existsSync(join(dir, 'r-{shard}'))).toBe(false);
    }
    // Exports not written yet cannot be checked, but their bucket can: a wrong one stops the run before any write.
    const s3Map = join(dir, 's3-map.csv');
    writeFileSync(s3Map, 'zip,mailbox\ns3://no-such-bucket/exports/job.zip,a@contoso.com\n');
    const state = join(dir, 'fresh-state');
    const noBucket = await runCli(['--map', s3Map, '--wait-for-exports', '--s3-endpoint', s3.endpoint, '--s3-region', 'us-east-1', '--tenant', graph.tenant, '--client-id', graph.clientId, '--authority-host', graph.url, '--graph-url', graph.url, '--state', state], tenantEnv(graph, AWS_ENV));
    expect(noBucket.status).toBe(2);
    expect(noBucket.stderr).toContain("s3://no-such-bucket/: there is no bucket 'no-such-bucket': check the bucket name and --s3-endpoint");
    expect(existsSync(state)).toBe(false);
    // One export to two mailboxes (a row copied and half edited): refused before anything is read.
    const twiceMap = join(dir, 'twice.csv');
    writeFileSync(twiceMap, 'zip,mailbox\ns3://exports/job.zip,a@contoso.com\ns3://exports/job.zip,b@contoso.com\ns3://exports/other.zip,a@contoso.com\n');
    const twice = await runCli(['--map', twiceMap, '--wait-for-exports', '--dry-run', '--state', join(dir, 'twice-state')]);
    expect(twice.status, twice.stderr).toBe(2);
    expect(twice.stderr).toContain('s3://exports/job.zip: the --map rows that match it name different mailboxes: row 2 (s3://exports/job.zip to a@contoso.com), row 3 (s3://exports/job.zip to b@contoso.com)');
    expect(twice.stderr).not.toContain('other.zip');
    expect(existsSync(join(dir, 'twice-state'))).toBe(false);
    const noZips = await runCli(['--dry-run']);
    expect(noZips.status).toBe(2);
    expect(noZips.stderr).toContain('give the export zips');
  });
});
