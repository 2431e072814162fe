/**
 * An export that moved between runs, on the same ledger: the first run stopped before it finished (the
 * mailbox was wrong, every create failed, or the process was killed), then the same export, downloaded
 * again to another folder or renamed, is run again. Every wanted message must go in exactly once, and the
 * run must say where it saw the export before. Real zips, the real CLI, the HTTPS Graph emulator.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { message, writeZip } from '../helpers/make-zip.js';
import { runCli } from '../helpers/run-cli.js';
import { tenantArgs, tenantEnv } from '../helpers/tenant.js';

const MESSAGES = 30;
const root = resolve(import.meta.dirname, '..', '..');
let emulator: Emulator;
let work: string;
let original: string;

beforeAll(async () => {
  const mailboxes = ['a@contoso.onmicrosoft.com', 'b@contoso.onmicrosoft.com', 'c@contoso.onmicrosoft.com'];
  emulator = await startEmulator({ mailboxes, latencyMs: { min: 20, max: 60 }, seed: 11 });
  work = mkdtempSync(join(tmpdir(), 'eml-import-moved-'));
  original = await writeZip(
    join(work, 'export.zip'),
    Array.from({ length: MESSAGES }, (_, i) => ({
      name: `Inbox/${i}.eml`,
      content: message({ subject: `Moved ${i}`, messageId: `<moved${i}@x>`, date: `Wed, 6 Mar 2024 09:${String(i).padStart(2, '0')}:00 +0000` }),
    })),
  );
});

afterAll(async () => {
  await emulator?.close();
});

/** A copy of the export somewhere else, with a new modification time: what a second download gives. */
function downloadAgain(name: string): string {
  const dir = join(work, `download-${name}`);
  mkdirSync(dir, { recursive: true });
  const copy = join(dir, name === 'renamed' ? 'mailbox-export-renamed.zip' : 'export.zip');
  copyFileSync(original, copy);
  utimesSync(copy, new Date(), new Date(Date.now() + 3_600_000));
  return copy;
}

function subjectsIn(mailbox: string): string[] {
  return emulator.inspect.messages(mailbox).map((m) => m.subject).sort();
}

const expected = Array.from({ length: MESSAGES }, (_, i) => `Moved ${i}`).sort();

describe('an export moved or renamed after a first run that did not finish', () => {
  it('first run into a mailbox that does not exist; then downloaded again elsewhere: all imported, and said', async () => {
    const state = join(work, 'state-missing');
    // The same tenant before the mailbox was created: a second emulator that lacks it.
    const before = await startEmulator({ mailboxes: ['someone-else@contoso.onmicrosoft.com'] });
    try {
      const first = await runCli([original, ...tenantArgs(before, 'a@contoso.onmicrosoft.com'), '--state', state, '--no-progress'], tenantEnv(before));
      expect(first.status).not.toBe(0);
    } finally {
      await before.close();
    }
    const moved = downloadAgain('missing');
    const second = await runCli([moved, ...tenantArgs(emulator, 'a@contoso.onmicrosoft.com'), '--state', state, '--no-progress', '--json'], tenantEnv(emulator));
    expect(second.status, second.stderr).toBe(0);
    expect(subjectsIn('a@contoso.onmicrosoft.com')).toEqual(expected);
    const totals = (JSON.parse(second.stdout) as { totals: Record<string, number> }).totals;
    expect(totals).toMatchObject({ duplicates: 0, failed: 0 });
    expect(second.stderr).toContain(`seen before at ${original}`);
  });

  it('first run killed mid-upload; then renamed: all imported exactly once', async () => {
    const state = join(work, 'state-killed');
    const mailbox = 'c@contoso.onmicrosoft.com';
    const args = [original, ...tenantArgs(emulator, mailbox), '--state', state, '--no-progress', '--landing-window', '2'];
    await new Promise<void>((done) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli.ts'), ...args], {
        cwd: root,
        env: { ...process.env, NODE_EXTRA_CA_CERTS: emulator.caFile, ...tenantEnv(emulator) },
        stdio: 'ignore',
      });
      const poll = setInterval(() => {
        if (emulator.inspect.messages(mailbox).length >= 5) child.kill('SIGKILL');
      }, 2);
      child.on('exit', () => {
        clearInterval(poll);
        done();
      });
    });
    const before = emulator.inspect.messages(mailbox).length;
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(MESSAGES);
    const renamed = downloadAgain('renamed');
    const second = await runCli([renamed, ...args.slice(1)], tenantEnv(emulator));
    expect(second.status, second.stderr).toBe(0);
    expect(second.stderr).toContain(`seen before at ${original}`);
    expect(subjectsIn(mailbox)).toEqual(expected);
  });
});
