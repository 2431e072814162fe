/**
 * SIGTERM, as Kubernetes (pod deleted, node drained), AWS Batch (job terminated) and `docker stop` send
 * it: the run stops as on a first Ctrl-C (uploads in flight finish, the report is written, exit 1, "run
 * the same command again"), and the run after it puts every message in once. The real CLI in a child
 * process; the Graph emulator with Exchange-like latency so that the signal lands mid-upload.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { message, writeZip } from '../helpers/make-zip.js';
import { runCli } from '../helpers/run-cli.js';
import { tenantArgs, tenantEnv } from '../helpers/tenant.js';

const ANN = 'ann@contoso.onmicrosoft.com';
const BOB = 'bob@contoso.onmicrosoft.com';
const MESSAGES = 80;
const root = resolve(import.meta.dirname, '..', '..');
let emulator: Emulator;
let work: string;

beforeAll(async () => {
  emulator = await startEmulator({ mailboxes: [ANN, BOB], latencyMs: { min: 30, max: 90 }, seed: 5 });
  work = mkdtempSync(join(tmpdir(), 'eml-import-sigterm-'));
});

afterAll(async () => {
  await emulator?.close();
});

// SIGHUP: a dropped SSH session, which killed the run at once (no report, creates left in flight).
describe.each([['SIGTERM'], ['SIGHUP']] as const)('%s', (signal) => {
  it('stops the run as a first Ctrl-C does: uploads in flight finish, the report is written, and the next run completes exactly once', async () => {
    const mailbox = signal === 'SIGTERM' ? ANN : BOB;
    const zip = await writeZip(
      join(work, `${signal}.zip`),
      Array.from({ length: MESSAGES }, (_, i) => ({ name: `Inbox/${i}.eml`, content: message({ subject: `term ${i}`, messageId: `<term-${i}@x>` }) })),
    );
    const report = join(work, `report-${signal}`);
    const args = [zip, ...tenantArgs(emulator, mailbox), '--state', join(work, `state-${signal}`), '--no-progress', '--landing-window', '2'];
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli.ts'), ...args, '--report', report], {
      cwd: root,
      env: { ...process.env, NODE_EXTRA_CA_CERTS: emulator.caFile, EML_IMPORT_CLIENT_SECRET: emulator.clientSecret },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    let signalled = false;
    const watch = setInterval(() => {
      if (!signalled && emulator.inspect.messages(mailbox).length >= 5) {
        signalled = true;
        child.kill(signal);
      }
    }, 5);
    const code = await exited;
    clearInterval(watch);

    expect(signalled, stderr).toBe(true);
    expect(code, stderr).toBe(1);
    expect(stderr).toContain(`stopping (${signal})`);
    expect(stderr).toContain('interrupted: run the same command again to go on');
    expect(existsSync(join(report, 'report.json'))).toBe(true);
    expect(emulator.inspect.messages(mailbox).length).toBeLessThan(MESSAGES);

    const rerun = await runCli(args, tenantEnv(emulator));
    expect(rerun.status, rerun.stderr).toBe(0);
    const subjects = emulator.inspect.messages(mailbox).map((m) => m.subject).sort();
    expect(subjects).toEqual(Array.from({ length: MESSAGES }, (_, i) => `term ${i}`).sort());
  });
});
