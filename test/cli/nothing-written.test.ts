/**
 * Command-line mistakes stop with exit 2 before anything is written: no request reaches the tenant (the
 * Graph emulator over HTTPS counts every one), no message lands in the mailbox, no ledger is created.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { runCli, type CliRun } from '../helpers/run-cli.js';
import { message, writeZip } from '../helpers/make-zip.js';
import { tenantArgs, tenantEnv } from '../helpers/tenant.js';
import { Ledger } from '../../src/ledger/ledger.js';

const BOB = 'bob@contoso.onmicrosoft.com';
const CAROL = 'carol@contoso.onmicrosoft.com';

let emulator: Emulator;
let work: string;
let good: string;
let good2: string;

beforeAll(async () => {
  emulator = await startEmulator({ mailboxes: [BOB, CAROL] });
  work = mkdtempSync(join(tmpdir(), 'eml-import-nothing-written-'));
  good = await writeZip(join(work, 'a.zip'), [{ name: 'Inbox/1.eml', content: message({ subject: 'one', messageId: '<1@x>' }) }]);
  good2 = await writeZip(join(work, 'b.zip'), [{ name: 'Inbox/2.eml', content: message({ subject: 'two', messageId: '<2@x>' }) }]);
});

afterAll(async () => {
  await emulator?.close();
});

/** Runs the CLI and asserts that it touched neither the tenant nor the disk; returns the run for its words. */
async function refusedBeforeAnyWrite(args: (state: string) => string[], env: Record<string, string> = tenantEnv(emulator)): Promise<CliRun> {
  const state = join(mkdtempSync(join(work, 'run-')), 'state');
  const before = emulator.inspect.requests().length;
  const run = await runCli([...args(state), '--state', state, '--no-progress'], env);
  expect(run.status, run.stderr).toBe(2);
  expect(emulator.inspect.requests().slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([]);
  expect(emulator.inspect.messages(BOB)).toEqual([]);
  expect(existsSync(state), 'the ledger folder').toBe(false);
  // One sentence, with the one prefix every error has; never a stack trace.
  expect(run.stderr).toMatch(/^eml-import: error: /);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  return run;
}

describe('nothing is written by mistake', () => {
  it('stops when the ledger cannot be kept at --state (a file where a folder should be), before the first request', async () => {
    const file = join(work, 'a-file');
    writeFileSync(file, 'not a folder');
    const state = join(file, 'state');
    const before = emulator.inspect.requests().length;
    const run = await runCli([good, ...tenantArgs(emulator, BOB), '--state', state, '--no-progress'], tenantEnv(emulator));
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr).toBe(`eml-import: error: --state ${state}: cannot open the ledger there: ENOTDIR: not a directory, mkdir '${state}'\n`);
    expect(emulator.inspect.requests().slice(before)).toEqual([]);
    expect(emulator.inspect.messages(BOB)).toEqual([]);
  });

  it('takes a misspelt command for a command, not for a zip path: reconsile a.zip imports nothing', async () => {
    const run = await refusedBeforeAnyWrite(() => ['reconsile', good, ...tenantArgs(emulator, BOB)]);
    expect(run.stderr).toContain("unknown command 'reconsile' (did you mean reconcile?)");
  });

  it('names a missing zip and a folder among good ones, before the first request', async () => {
    const folder = join(work, 'a-folder');
    mkdirSync(folder, { recursive: true });
    const missing = join(work, 'missing.zip');
    const run = await refusedBeforeAnyWrite(() => [good, missing, folder, good2, ...tenantArgs(emulator, BOB)]);
    expect(run.stderr).toContain(`${missing}: no such file`);
    expect(run.stderr).toContain(`${folder}: is a folder`);
    expect(run.stderr).not.toMatch(/ENOENT|EISDIR/);
    expect(run.stderr).not.toContain(`${good}:`);
  });

  it('stops on an s3:// zip that cannot be read, naming it, rather than reading it as a local path', async () => {
    // The SDK reads its credentials from the process environment; a closed loopback port stands for S3.
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' });
    try {
      const run = await refusedBeforeAnyWrite(() => [good, 's3://exports/ann.zip', ...tenantArgs(emulator, BOB), '--s3-endpoint', 'http://127.0.0.1:9', '--s3-region', 'us-east-1']);
      expect(run.stderr).toContain('s3://exports/ann.zip');
      expect(run.stderr).not.toContain('no such file');
    } finally {
      for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION']) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
  });

  it('checks --report at start-up: an existing file, or a file where a parent folder should be', async () => {
    const file = join(work, 'report-is-a-file');
    writeFileSync(file, 'x');
    const asDir = await refusedBeforeAnyWrite(() => [good, ...tenantArgs(emulator, BOB), '--report', file]);
    expect(asDir.stderr).toContain(`--report ${file}: cannot write the report there`);
    const below = await refusedBeforeAnyWrite(() => [good, ...tenantArgs(emulator, BOB), '--report', join(file, 'sub')]);
    expect(below.stderr).toContain(`${file} is a file, not a folder`);
    // A --report folder that can be made is not made until the end: a refused run leaves none behind.
    const fresh = join(work, 'fresh', 'report');
    await refusedBeforeAnyWrite(() => [good, join(work, 'nope.zip'), ...tenantArgs(emulator, BOB), '--report', fresh]);
    expect(existsSync(join(work, 'fresh'))).toBe(false);
  });

  it('stops in one sentence when there is no client secret and nobody to ask (cron, CI)', async () => {
    const run = await refusedBeforeAnyWrite(() => [good, ...tenantArgs(emulator, BOB)], {});
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('no client secret and no terminal to ask for it: set EML_IMPORT_CLIENT_SECRET');
  });

  it('checks every path row of --map: a row naming a missing zip stops the run', async () => {
    const map = join(work, 'map.csv');
    writeFileSync(map, `zip,mailbox\n${good},${BOB}\n${join(work, 'gone.zip')},${BOB}\n`);
    const args = ['--tenant', emulator.tenant, '--client-id', emulator.clientId, '--authority-host', emulator.url, '--graph-url', emulator.url];
    const run = await refusedBeforeAnyWrite(() => [good, ...args, '--map', map]);
    expect(run.stderr).toContain(`--map ${map}: row 3: ${join(work, 'gone.zip')}: no such file`);
  });

  it('refuses a zip that map rows of two mailboxes match (ann*.zip and anna*.zip), naming each such zip and the rows', async () => {
    const ann = await writeZip(join(work, 'ann-1.zip'), [{ name: 'Inbox/3.eml', content: message({ subject: 'ann', messageId: '<3@x>' }) }]);
    const anna = await writeZip(join(work, 'anna-1.zip'), [{ name: 'Inbox/4.eml', content: message({ subject: 'anna', messageId: '<4@x>' }) }]);
    const anna2 = await writeZip(join(work, 'anna-2.zip'), [{ name: 'Inbox/5.eml', content: message({ subject: 'anna 2', messageId: '<5@x>' }) }]);
    const map = join(work, 'overlap.csv');
    writeFileSync(map, `zip,mailbox\nann*.zip,${BOB}\nanna*.zip,${CAROL}\n`);
    const args = ['--tenant', emulator.tenant, '--client-id', emulator.clientId, '--authority-host', emulator.url, '--graph-url', emulator.url];
    const run = await refusedBeforeAnyWrite(() => [ann, anna, anna2, ...args, '--map', map]);
    expect(run.stderr).toContain(`${anna}: the --map rows that match it name different mailboxes: row 2 (ann*.zip to ${BOB}), row 3 (anna*.zip to ${CAROL})`);
    expect(run.stderr).toContain(`${anna2}: the --map rows`);
    expect(run.stderr).not.toContain(`${ann}:`);
    expect(emulator.inspect.messages(CAROL)).toEqual([]);
  });

  it('the same checks guard reconcile', async () => {
    const run = await refusedBeforeAnyWrite(() => ['reconcile', good, join(work, 'missing.zip'), ...tenantArgs(emulator, BOB)]);
    expect(run.stderr).toContain('missing.zip: no such file');
  });

  it('refuses a second run on a state folder that another run is using, then runs once it is free', async () => {
    const state = join(work, 'busy-state');
    // The other run: it holds the ledger, as a running import does until it ends.
    const other = Ledger.open(join(state, 'state.db'));
    const before = emulator.inspect.requests().length;
    try {
      const run = await runCli([good, ...tenantArgs(emulator, CAROL), '--state', state, '--no-progress'], tenantEnv(emulator));
      expect(run.status, run.stderr).toBe(2);
      expect(run.stderr).toMatch(/^eml-import: error: /);
      expect(run.stderr).toContain(`${join(state, 'state.db')}: another eml-import run is using this state folder`);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      // Start-up checks may read the tenant; nothing is written to it.
      expect(emulator.inspect.requests().slice(before).filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`)).toEqual([]);
      expect(emulator.inspect.messages(CAROL)).toEqual([]);
    } finally {
      other.close();
    }
    const again = await runCli([good, ...tenantArgs(emulator, CAROL), '--state', state, '--no-progress'], tenantEnv(emulator));
    expect(again.status, again.stderr).toBe(0);
    expect(emulator.inspect.messages(CAROL).map((m) => m.subject)).toEqual(['one']);
  });

  it('a good command line still imports (the checks do not stop what is right)', async () => {
    const state = join(work, 'good-state');
    const run = await runCli([good, good2, ...tenantArgs(emulator, BOB), '--state', state, '--no-progress', '--report', join(work, 'made', 'report')], tenantEnv(emulator));
    expect(run.status, run.stderr).toBe(0);
    expect(emulator.inspect.messages(BOB).map((m) => m.subject).sort()).toEqual(['one', 'two']);
    expect(existsSync(join(work, 'made', 'report', 'report.json'))).toBe(true);
  });
});
