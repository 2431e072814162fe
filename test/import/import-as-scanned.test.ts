/**
 * A mailbox is imported as soon as its own zips are read, not after every zip of the run: here the second
 * mailbox's export cannot be read at all (its S3 GETs are parked by the test's S3 server) until the first
 * mailbox is in the destination. The old order, scan everything then import, never got there. Real s3rver
 * behind the test proxy, the Graph emulator, the CLI in-process; nothing mocked.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { message, writeZip } from '../helpers/make-zip.js';
import { runCli } from '../helpers/run-cli.js';
import { tenantEnv } from '../helpers/tenant.js';
import { setEnvironment } from '../helpers/environment.js';
import { configureS3 } from '../../src/source/s3/s3-settings.js';
import { forgetS3Heads } from '../../src/source/s3/s3-object.js';
import { S3_TEST_CREDENTIALS, S3TestServer } from '../s3/s3-server.js';

const ANN = 'ann@contoso.onmicrosoft.com';
const BOB = 'bob@contoso.onmicrosoft.com';
const CY = 'cy@contoso.onmicrosoft.com';
const DEE = 'dee@contoso.onmicrosoft.com';
const ANN_MESSAGES = 12;
const BOB_MESSAGES = 3;
const CY_MESSAGES = 60;
const root = resolve(import.meta.dirname, '..', '..');

let emulator: Emulator;
let server: S3TestServer;
let work: string;
let restore: () => void;

/** Text that deflate cannot shrink much, so that Ann's zip is the larger one and is read first. */
function noise(seed: number, length: number): string {
  let x = seed;
  let text = '';
  while (text.length < length) {
    x = (x * 1103515245 + 12345) >>> 0;
    text += x.toString(36);
  }
  return text.replace(/(.{76})/g, '$1\r\n');
}

beforeAll(async () => {
  restore = setEnvironment(S3_TEST_CREDENTIALS);
  emulator = await startEmulator({ mailboxes: [ANN, BOB, CY, DEE], latencyMs: { min: 20, max: 60 }, seed: 11 });
  server = await S3TestServer.start();
  work = mkdtempSync(join(tmpdir(), 'eml-import-as-scanned-'));
  await server.createBucket('exports');
  const ann = await writeZip(
    join(work, 'ann.zip'),
    Array.from({ length: ANN_MESSAGES }, (_, i) => ({ name: `Inbox/${i}.eml`, content: message({ subject: `ann ${i}`, messageId: `<ann-${i}@as-scanned>`, body: noise(i + 1, 20_000) }) })),
  );
  const bob = await writeZip(
    join(work, 'bob.zip'),
    Array.from({ length: BOB_MESSAGES }, (_, i) => ({ name: `Inbox/${i}.eml`, content: message({ subject: `bob ${i}`, messageId: `<bob-${i}@as-scanned>` }) })),
  );
  await server.put('exports', 'ann.zip', readFileSync(ann));
  await server.put('exports', 'bob.zip', readFileSync(bob));
  const cy = await writeZip(
    join(work, 'cy.zip'),
    Array.from({ length: CY_MESSAGES }, (_, i) => ({ name: `Inbox/${i % 4 === 0 ? 'Sub/' : ''}${i}.eml`, content: message({ subject: `cy ${i}`, messageId: `<cy-${i}@as-scanned>`, body: noise(100 + i, 8_000) }) })),
  );
  const dee = await writeZip(
    join(work, 'dee.zip'),
    Array.from({ length: BOB_MESSAGES }, (_, i) => ({ name: `Inbox/${i}.eml`, content: message({ subject: `dee ${i}`, messageId: `<dee-${i}@as-scanned>` }) })),
  );
  await server.put('exports', 'cy.zip', readFileSync(cy));
  await server.put('exports', 'dee.zip', readFileSync(dee));
});

afterAll(async () => {
  configureS3({});
  forgetS3Heads();
  await server?.stop();
  await emulator?.close();
  restore?.();
});

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return condition();
}

describe('the import of a mailbox begins once its own zips are read', () => {
  it('imports the first mailbox while the second one’s export cannot be read yet, and then the second, each message once', async () => {
    const map = join(work, 'map.csv');
    writeFileSync(map, `zip,mailbox\ns3://exports/bob.zip,${BOB}\ns3://exports/ann.zip,${ANN}\n`);
    const args = ['--map', map, '--tenant', emulator.tenant, '--client-id', emulator.clientId, '--authority-host', emulator.url, '--graph-url', emulator.url];
    const bobReads = server.hold({ method: 'GET', pathIncludes: 'bob.zip' });
    const run = runCli(['s3://exports/bob.zip', 's3://exports/ann.zip', ...args, '--s3-endpoint', server.endpoint, '--state', join(work, 'state'), '--no-progress'], tenantEnv(emulator));
    let ended: { stderr: string } | null = null;
    void run.then((r) => (ended = r));
    try {
      // Bob's zip is first in the map but smaller: Ann's, the larger mailbox, is read and imported first.
      const annInWhileBobHeld = (await until(() => ended !== null || emulator.inspect.messages(ANN).length === ANN_MESSAGES, 30_000)) && ended === null;
      expect((ended as { stderr: string } | null)?.stderr, 'the run ended before Bob’s zip was released').toBeUndefined();
      expect(bobReads.held()).toBeGreaterThan(0);
      expect(emulator.inspect.messages(BOB)).toHaveLength(0);
      expect(annInWhileBobHeld, 'Ann was not imported while Bob’s zip could not be read').toBe(true);
    } finally {
      bobReads.release();
    }
    const done = await run;
    expect(done.status, done.stderr).toBe(0);
    const subjects = (upn: string) => emulator.inspect.messages(upn).map((m) => m.subject).sort();
    expect(subjects(ANN)).toEqual(Array.from({ length: ANN_MESSAGES }, (_, i) => `ann ${i}`).sort());
    expect(subjects(BOB)).toEqual(Array.from({ length: BOB_MESSAGES }, (_, i) => `bob ${i}`).sort());
  });

  it('a run killed while one mailbox is imported and the next is still being read: the re-run puts every message in once', async () => {
    const map = join(work, 'map-kill.csv');
    writeFileSync(map, `zip,mailbox\ns3://exports/dee.zip,${DEE}\ns3://exports/cy.zip,${CY}\n`);
    const args = ['s3://exports/dee.zip', 's3://exports/cy.zip', '--map', map, '--tenant', emulator.tenant, '--client-id', emulator.clientId, '--authority-host', emulator.url, '--graph-url', emulator.url];
    const common = [...args, '--s3-endpoint', server.endpoint, '--state', join(work, 'state-kill'), '--no-progress', '--landing-window', '2'];
    const deeReads = server.hold({ method: 'GET', pathIncludes: 'dee.zip' });
    let killedAt: number;
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli.ts'), ...common], {
        cwd: root,
        env: { ...process.env, ...S3_TEST_CREDENTIALS, NODE_EXTRA_CA_CERTS: emulator.caFile, EML_IMPORT_CLIENT_SECRET: emulator.clientSecret },
        stdio: 'ignore',
      });
      const exited = new Promise<void>((done) => child.on('exit', () => done()));
      const reached = await until(() => emulator.inspect.messages(CY).length >= 10, 60_000);
      killedAt = emulator.inspect.messages(CY).length;
      child.kill('SIGKILL');
      await exited;
      expect(reached, 'the first run never got to import Cy while Dee was held').toBe(true);
      expect(deeReads.held()).toBeGreaterThan(0);
    } finally {
      deeReads.release();
    }
    expect(killedAt).toBeLessThan(CY_MESSAGES);
    const rerun = await runCli(common, tenantEnv(emulator));
    expect(rerun.status, rerun.stderr).toBe(0);
    const subjects = (upn: string) => emulator.inspect.messages(upn).map((m) => m.subject).sort();
    expect(subjects(CY)).toEqual(Array.from({ length: CY_MESSAGES }, (_, i) => `cy ${i}`).sort());
    expect(subjects(DEE)).toEqual(Array.from({ length: BOB_MESSAGES }, (_, i) => `dee ${i}`).sort());
    expect(emulator.inspect.messages(CY).filter((m) => m.isDraft)).toHaveLength(0);
  });

  it('reconcile compares the first mailbox while the second one’s export cannot be read yet', async () => {
    // A key of its own: the run before kept the end of bob.zip, which holds all of so small a zip.
    await server.put('exports', 'bob-again.zip', readFileSync(join(work, 'bob.zip')));
    const map = join(work, 'map-reconcile.csv');
    writeFileSync(map, `zip,mailbox\ns3://exports/bob-again.zip,${BOB}\ns3://exports/ann.zip,${ANN}\n`);
    const args = ['reconcile', 's3://exports/bob-again.zip', 's3://exports/ann.zip', '--map', map, '--tenant', emulator.tenant, '--client-id', emulator.clientId, '--authority-host', emulator.url, '--graph-url', emulator.url];
    const before = emulator.inspect.requests().length;
    const annListed = (): boolean => emulator.inspect.requests().slice(before).some((r) => r.path.includes(`/users/${encodeURIComponent(ANN)}/mailFolders/`) && r.path.endsWith('/messages'));
    const bobReads = server.hold({ method: 'GET', pathIncludes: 'bob-again.zip' });
    let ended: { stderr: string } | null = null;
    const run = runCli([...args, '--s3-endpoint', server.endpoint, '--no-progress'], tenantEnv(emulator));
    void run.then((r) => (ended = r));
    try {
      const listed = await until(() => ended !== null || annListed(), 30_000);
      expect((ended as { stderr: string } | null)?.stderr, 'reconcile ended before Bob’s zip was released').toBeUndefined();
      expect(bobReads.held()).toBeGreaterThan(0);
      expect(listed, 'Ann’s folders were not read while Bob’s zip could not be read').toBe(true);
    } finally {
      bobReads.release();
    }
    const done = await run;
    expect(done.status, done.stderr + done.stdout).toBe(0);
    expect(done.stdout).toMatch(/Complete/);
  });
});
