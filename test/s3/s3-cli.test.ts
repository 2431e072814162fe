/**
 * The command line with s3:// zips: dry run, --headers-only, globs, the errors that stop a run before
 * any write, an import into the Graph emulator, reconcile, and a replaced object read again. A real
 * s3rver behind a counting proxy; nothing mocked.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { message, writeZip } from '../helpers/make-zip.js';
import { runCli } from '../helpers/run-cli.js';
import { tenantArgs, tenantEnv } from '../helpers/tenant.js';
import { FIXTURES_DIR } from '../source/helpers.js';
import { forgetS3Heads } from '../../src/source/s3/s3-object.js';
import { serveS3 } from './serve-s3.js';
import { setEnvironment } from '../helpers/environment.js';

const MAILBOX = 'ann@contoso.onmicrosoft.com';
const server = serveS3(async (started) => {
  await started.createBucket('exports');
  for (const name of ['export-nested.zip', 'export-flat.zip', 'export-prefixed.zip']) {
    await started.put('exports', `jobs/${name}`, readFileSync(join(FIXTURES_DIR, name)));
  }
  await started.put('exports', 'top.zip', readFileSync(join(FIXTURES_DIR, 'export-flat.zip')));
});
let work: string;
let restore = (): void => undefined;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'eml-import-s3-'));
  // A shared credentials file with a named profile, as --s3-profile reads it; the keys are s3rver's.
  const credentials = join(work, 'aws-credentials');
  writeFileSync(credentials, '[archive]\naws_access_key_id = S3RVER\naws_secret_access_key = S3RVER\n');
  restore = setEnvironment({ AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_CONFIG_FILE: join(work, 'aws-config') });
});

afterAll(() => restore());

const s3 = (): string[] => ['--s3-endpoint', server().endpoint];

function messagesCsv(dir: string): string {
  return readFileSync(join(dir, 'messages.csv'), 'utf8');
}

describe('eml-import with s3:// zips', () => {
  for (const mode of [[], ['--headers-only']]) {
    it(`dry run${mode.length ? ' --headers-only' : ''} of an S3 zip writes the same messages.csv as the local file`, async () => {
      const localDir = join(work, `local${mode.length}`);
      const remoteDir = join(work, `remote${mode.length}`);
      const local = await runCli([join(FIXTURES_DIR, 'export-nested.zip'), '--dry-run', '--no-progress', '--report', localDir, ...mode]);
      const remote = await runCli(['s3://exports/jobs/export-nested.zip', '--dry-run', '--no-progress', '--report', remoteDir, ...s3(), ...mode]);
      expect(remote.status, remote.stderr).toBe(local.status);
      expect(messagesCsv(remoteDir)).toBe(messagesCsv(localDir));
      expect(messagesCsv(remoteDir).split('\n').length).toBeGreaterThan(5);
    });
  }

  it('expands an s3:// glob by listing the bucket, with the shell rules (* stays within a segment), mixed with local paths', async () => {
    const run = await runCli(['s3://exports/jobs/export-*.zip', 's3://exports/*.zip', join(FIXTURES_DIR, 'zip64.zip'), '--dry-run', '--json', '--no-progress', ...s3()]);
    expect(run.status, run.stderr).toBeLessThan(2);
    const json = JSON.parse(run.stdout) as { zips: { path: string }[] };
    expect(json.zips.map((z) => z.path).sort()).toEqual(
      ['s3://exports/jobs/export-flat.zip', 's3://exports/jobs/export-nested.zip', 's3://exports/jobs/export-prefixed.zip', 's3://exports/top.zip', join(FIXTURES_DIR, 'zip64.zip')].sort(),
    );
    expect(server().requests.some((r) => r.method === 'GET' && r.path.replace(/\/$/, '') === '/exports' && r.range === undefined)).toBe(true);
  });

  it('stops with exit 2 and one sentence per problem before reading anything', async () => {
    const missing = await runCli(['s3://exports/jobs/nobody.zip', 's3://exports/jobs/export-flat.zip', '--dry-run', '--no-progress', ...s3()]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("eml-import: error: s3://exports/jobs/nobody.zip: bucket 'exports' has no object 'jobs/nobody.zip': check the key");
    expect(server().gets()).toEqual([]);

    const nothing = await runCli(['s3://exports/none/*.zip', '--dry-run', '--no-progress', ...s3()]);
    expect(nothing.status).toBe(2);
    expect(nothing.stderr).toContain('s3://exports/none/*.zip: no object matches');

    server().faults = [{ method: 'HEAD', pathIncludes: 'export-flat', fault: 'access-denied', times: 1 }];
    const denied = await runCli(['s3://exports/jobs/export-flat.zip', '--dry-run', '--no-progress', '--s3-profile', 'archive', ...s3()]);
    expect(denied.status).toBe(2);
    expect(denied.stderr).toContain("s3://exports/jobs/export-flat.zip: access denied: the credentials of profile 'archive' may not read this object");

    // Hours into a run, a temporary session (SSO, an assumed role) runs out: S3 says ExpiredToken.
    // (An object no other test has read: this process keeps the ends of zips it read, and would not ask.)
    await server().put('exports', 'expiring/export-flat.zip', readFileSync(join(FIXTURES_DIR, 'export-flat.zip')));
    server().faults = [{ method: 'GET', pathIncludes: 'expiring', fault: 'expired-token', times: Infinity }];
    const expired = await runCli(['s3://exports/expiring/export-flat.zip', '--dry-run', '--no-progress', '--s3-profile', 'archive', ...s3()]);
    server().faults = [];
    expect(expired.stderr).toContain(
      "eml-import: error: s3://exports/expiring/export-flat.zip: the credentials of profile 'archive' have expired (ExpiredToken): renew them (for SSO run 'aws sso login --profile archive') and run the same command again",
    );
    expect(expired.stderr).not.toMatch(/\n\s+at /);
    // Not a broken zip: nothing was read, nothing is said to be unreadable, and the run says to go on.
    expect(expired.status).toBe(1);
    expect(expired.stdout).toBe('');
    expect(expired.stderr).not.toContain('archive error');

    const noProfile = await runCli(['s3://exports/jobs/export-flat.zip', '--dry-run', '--no-progress', '--s3-profile', 'nobody', ...s3()]);
    expect(noProfile.status).toBe(2);
    expect(noProfile.stderr).toContain("s3://exports/jobs/export-flat.zip: no credentials for profile 'nobody' (--s3-profile)");

    // The profile's keys are used, and never printed.
    const withProfile = await runCli(['s3://exports/jobs/export-flat.zip', '--dry-run', '--no-progress', '--s3-profile', 'archive', ...s3()]);
    expect(withProfile.status, withProfile.stderr).toBeLessThan(2);
    expect(withProfile.stderr + withProfile.stdout).not.toContain('S3RVER');

    server().bucketRegions.set('exports', 'eu-west-1');
    try {
      const region = await runCli(['s3://exports/jobs/export-flat.zip', '--dry-run', '--no-progress', '--s3-region', 'us-east-2', ...s3()]);
      expect(region.status).toBe(2);
      expect(region.stderr).toContain("s3://exports/jobs/export-flat.zip: bucket 'exports' is in region eu-west-1, not us-east-2: give --s3-region eu-west-1");
      const found = await runCli(['s3://exports/jobs/export-flat.zip', '--dry-run', '--no-progress', ...s3()]);
      expect(found.status, found.stderr).toBeLessThan(2);
      // The 400 some regions answer a HEAD with, carrying the header: the same sentence.
      server().wrongRegionStatus = 400;
      const refused = await runCli(['s3://exports/jobs/export-flat.zip', '--dry-run', '--no-progress', '--s3-region', 'us-east-2', ...s3()]);
      expect(refused.status).toBe(2);
      expect(refused.stderr).toContain("s3://exports/jobs/export-flat.zip: bucket 'exports' is in region eu-west-1, not us-east-2: give --s3-region eu-west-1");
      // No header at all (a proxy that drops it): GetBucketLocation names the region for the sentence.
      server().wrongRegionStatus = 301;
      server().regionHeaderHidden = true;
      server().locationConstraints.set('exports', 'EU');
      const located = await runCli(['s3://exports/jobs/export-flat.zip', '--dry-run', '--no-progress', '--s3-region', 'us-east-2', ...s3()]);
      expect(located.status).toBe(2);
      expect(located.stderr).toContain("s3://exports/jobs/export-flat.zip: bucket 'exports' is in region eu-west-1, not us-east-2: give --s3-region eu-west-1");
    } finally {
      server().bucketRegions.delete('exports');
      server().locationConstraints.delete('exports');
      server().regionHeaderHidden = false;
      server().wrongRegionStatus = 301;
    }

    const badEndpoint = await runCli(['s3://exports/jobs/export-flat.zip', '--dry-run', '--s3-endpoint', 'http://key:secret@127.0.0.1:1']);
    expect(badEndpoint.status).toBe(2);
    expect(badEndpoint.stderr).not.toContain('secret');
  });

  it('plans from S3 zips as from local ones: eml-import plan, the dry run\'s plan and --shard read the central directory by ranged GETs', async () => {
    const local = [join(FIXTURES_DIR, 'export-nested.zip'), join(FIXTURES_DIR, 'export-flat.zip')];
    const remote = ['s3://exports/jobs/export-nested.zip', 's3://exports/jobs/export-flat.zip'];
    const remoteOnes = (zips: string[]): boolean => zips[0]!.startsWith('s3:');
    // The S3 options for the remote zips only: the local run must not need them.
    const s3For = (zips: string[]): string[] => (remoteOnes(zips) ? s3() : []);
    const mapOf = (zips: string[]): string => {
      const path = join(work, `plan-map-${remoteOnes(zips) ? 's3' : 'local'}.csv`);
      writeFileSync(path, `zip,mailbox\n${zips[0]},ann@contoso.com\n${zips[1]},bob@contoso.com\n`);
      return path;
    };
    const planOf = async (zips: string[]): Promise<{ status: number; stderr: string; plan: { totals: unknown; mailboxes: unknown[]; problems?: unknown } }> => {
      const run = await runCli(['plan', ...zips, '--map', mapOf(zips), '--json', ...s3For(zips)]);
      return { status: run.status, stderr: run.stderr, plan: JSON.parse(run.stdout || 'null') };
    };
    const fromLocal = await planOf(local);
    const fromS3 = await planOf(remote);
    expect(fromS3.status, fromS3.stderr).toBe(0);
    expect(fromLocal.plan.totals).toMatchObject({ mailboxes: 2 });
    expect((fromLocal.plan.totals as { messages: number }).messages).toBeGreaterThan(5);
    expect(fromS3.plan.mailboxes).toEqual(fromLocal.plan.mailboxes.map((m) => ({ ...(m as object), zips: expect.anything() })));
    expect(fromS3.plan.totals).toEqual(fromLocal.plan.totals);

    const dryRun = await runCli([...remote, '--map', mapOf(remote), '--dry-run', '--json', '--no-progress', ...s3()]);
    expect(dryRun.status, dryRun.stderr).toBeLessThan(2);
    const report = JSON.parse(dryRun.stdout) as { plan: { totals: unknown; problems: unknown[] } };
    expect(report.plan.problems).toEqual([]);
    expect(report.plan.totals).toEqual(fromLocal.plan.totals);

    // Each shard's share as from the local zips: by bytes, so it says the same size.
    for (const shard of ['1/2', '2/2']) {
      const shardOf = async (zips: string[]): Promise<string> => {
        const run = await runCli([...zips, '--map', mapOf(zips), '--shard', shard, '--dry-run', '--json', '--no-progress', ...s3For(zips)]);
        expect(run.status, run.stderr).toBeLessThan(2);
        expect(run.stderr).not.toContain('warning');
        return /shard \d\/2 [^\n]*/.exec(run.stderr)?.[0] ?? 'no shard line';
      };
      expect(await shardOf(remote)).toBe(await shardOf(local));
    }
  });

  it('stops an import from S3 with exit 2 before anything is written when a folder glob matches no folder of its zips', async () => {
    const emulator: Emulator = await startEmulator({ mailboxes: [MAILBOX] });
    try {
      const state = join(work, 'state-glob-typo');
      const run = await runCli(['s3://exports/jobs/export-flat.zip', ...tenantArgs(emulator, MAILBOX), '--state', state, '--no-progress', '--exclude-folder', 'Sent Itmes', ...s3()], tenantEnv(emulator));
      expect(run.status, run.stderr).toBe(2);
      expect(run.stderr).toContain("--exclude-folder 'Sent Itmes' matches no folder in the zips");
      expect(emulator.inspect.messages(MAILBOX)).toEqual([]);
      expect(existsSync(state)).toBe(false);
    } finally {
      await emulator.close();
    }
  });

  it('reads a zip again after its credentials expired during the scan: no message is recorded as unreadable, the next run imports them all', async () => {
    const emulator: Emulator = await startEmulator({ mailboxes: [MAILBOX] });
    try {
      const zip = await writeZip(
        join(work, 'bob-expiring.zip'),
        Array.from({ length: 6 }, (_, i) => ({ name: `export/Inbox/${i}.eml`, content: message({ subject: `Expiring ${i}`, messageId: `<e${i}@x>` }) })),
      );
      await server().put('exports', 'expiring/bob.zip', readFileSync(zip));
      const state = join(work, 'state-expiring');
      const args = ['s3://exports/expiring/bob.zip', ...tenantArgs(emulator, MAILBOX), '--state', state, '--json', '--no-progress', ...s3()];
      // The HEAD before the run goes through; every read after it finds the session expired.
      server().faults = [{ method: 'GET', pathIncludes: 'expiring/bob', fault: 'expired-token', times: Infinity }];
      const first = await runCli(args, tenantEnv(emulator));
      server().faults = [];
      expect(first.status, first.stderr).toBe(1);
      expect(first.stderr).toContain('eml-import: error: s3://exports/expiring/bob.zip: the credentials from the AWS chain have expired (ExpiredToken)');
      expect(first.stderr).not.toMatch(/\n\s+at /);
      expect(emulator.inspect.messages(MAILBOX)).toEqual([]);

      forgetS3Heads();
      const second = await runCli(args, tenantEnv(emulator));
      expect(second.status, second.stderr).toBe(0);
      expect(JSON.parse(second.stdout).totals).toMatchObject({ messages: 6, imported: 6, unreadable: 0, failed: 0 });
      expect(emulator.inspect.messages(MAILBOX).map((m) => m.subject).sort()).toEqual(Array.from({ length: 6 }, (_, i) => `Expiring ${i}`));
    } finally {
      await emulator.close();
    }
  });

  it('imports an S3 zip into the Graph emulator, resumes, reconciles, and reads a replaced object again', async () => {
    const emulator: Emulator = await startEmulator({ mailboxes: [MAILBOX] });
    try {
      const first = await writeZip(join(work, 'ann-1.zip'), [
        { name: 'export/Inbox/1.eml', content: message({ subject: 'One', messageId: '<1@x>' }) },
        { name: 'export/Inbox/2.eml', content: message({ subject: 'Two', messageId: '<2@x>' }) },
        { name: 'export/Sent Items/3.eml', content: message({ subject: 'Three', messageId: '<3@x>' }) },
      ]);
      await server().put('exports', 'ann/export.zip', readFileSync(first));
      const map = join(work, 'map.csv');
      writeFileSync(map, `zip,mailbox\ns3://exports/ann/*.zip,${MAILBOX}\n`);
      const state = join(work, 'state');
      const args = ['s3://exports/ann/export.zip', ...tenantArgs(emulator, MAILBOX).filter((a, i, all) => a !== '--mailbox' && all[i - 1] !== '--mailbox'), '--map', map, '--state', state, '--json', '--no-progress', ...s3()];
      const run1 = await runCli(args, tenantEnv(emulator));
      expect(run1.status, run1.stderr).toBe(0);
      expect(JSON.parse(run1.stdout).totals).toMatchObject({ messages: 3, imported: 3, failed: 0 });
      expect(emulator.inspect.messages(MAILBOX).map((m) => m.subject).sort()).toEqual(['One', 'Three', 'Two']);

      // Unchanged object: nothing read again, nothing sent again.
      forgetS3Heads();
      server().resetCounts();
      const run2 = await runCli(args, tenantEnv(emulator));
      expect(run2.status, run2.stderr).toBe(0);
      expect(server().gets()).toEqual([]);
      expect(emulator.inspect.messages(MAILBOX)).toHaveLength(3);

      const reconcile = await runCli(['reconcile', ...args.filter((a) => a !== '--no-progress')], tenantEnv(emulator));
      expect(reconcile.status, reconcile.stderr + reconcile.stdout).toBe(0);

      // The export job ran again and wrote a new object under the same key: it is read again.
      const second = await writeZip(join(work, 'ann-2.zip'), [
        { name: 'export/Inbox/1.eml', content: message({ subject: 'One', messageId: '<1@x>' }) },
        { name: 'export/Inbox/2.eml', content: message({ subject: 'Two', messageId: '<2@x>' }) },
        { name: 'export/Sent Items/3.eml', content: message({ subject: 'Three', messageId: '<3@x>' }) },
        { name: 'export/Inbox/4.eml', content: message({ subject: 'Four', messageId: '<4@x>' }) },
      ]);
      await server().put('exports', 'ann/export.zip', readFileSync(second));
      forgetS3Heads();
      const run3 = await runCli(args, tenantEnv(emulator));
      expect(run3.status, run3.stderr).toBe(0);
      expect(run3.stderr).toContain('s3://exports/ann/export.zip: the object was replaced since the last run');
      expect(emulator.inspect.messages(MAILBOX).map((m) => m.subject).sort()).toEqual(['Four', 'One', 'Three', 'Two']);
    } finally {
      await emulator.close();
    }
  });
});
