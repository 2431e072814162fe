/**
 * The disk under the state folder fills up in the middle of an import (another job's logs, a report, a
 * backup): the run stops with one sentence naming the place and the next step (exit 1), not a stack
 * trace, and the same command run again once there is room puts every message in exactly once.
 *
 * The disk is real: a small tmpfs mounted for the test, filled by the test while the import runs. Mounting
 * needs root (CAP_SYS_ADMIN); where that is not allowed the test says so and is skipped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { runCli } from '../helpers/run-cli.js';
import { message, writeZip } from '../helpers/make-zip.js';
import { tenantArgs, tenantEnv } from '../helpers/tenant.js';

const BOB = 'bob@contoso.onmicrosoft.com';
const MESSAGES = 150;

let work: string;
let disk: string;
let mounted = false;
let why = '';
let emulator: Emulator;
let zip: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'eml-import-full-disk-'));
  disk = join(work, 'disk');
  mkdirSync(disk);
  const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', disk], { encoding: 'utf8' });
  mounted = mount.status === 0;
  why = mount.error?.message ?? mount.stderr.trim();
  if (!mounted) {
    console.warn(`full-disk test skipped: cannot mount a small tmpfs here (${why}); it needs root`);
    return;
  }
  // Slow enough that the disk fills while creates are still to come.
  emulator = await startEmulator({ mailboxes: [BOB], latencyMs: { min: 10, max: 30 } });
  zip = await writeZip(
    join(work, 'bob.zip'),
    Array.from({ length: MESSAGES }, (_, i) => ({ name: `Inbox/${i}.eml`, content: message({ subject: `message ${i}`, messageId: `<${i}@full-disk>`, body: 'x'.repeat(2000) }) })),
  );
});

afterAll(async () => {
  await emulator?.close();
  // Lazily: a file a failed run left open must not keep the mount (and the test's folder) behind.
  if (mounted) spawnSync('umount', ['-l', disk]);
  rmSync(work, { recursive: true, force: true });
});

/** Writes to `dir` until the disk says it is full. */
function fillUp(dir: string): string {
  const file = join(dir, 'filler');
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  return file;
}

describe('a disk that fills up during the import', () => {
  it('stops with one sentence, and the run after it puts every message in once', async (context) => {
    if (!mounted) context.skip();
    const state = join(disk, 'state');
    const args = [zip, ...tenantArgs(emulator, BOB), '--state', state, '--no-progress', '--landing-window', '1'];
    let filler: string | undefined;
    const watch = setInterval(() => {
      if (filler === undefined && emulator.inspect.messages(BOB).length >= 20) filler = fillUp(disk);
    }, 5);
    let first;
    try {
      first = await runCli(args, tenantEnv(emulator));
    } finally {
      clearInterval(watch);
    }
    expect(filler, 'the disk was filled during the uploads').toBeDefined();
    expect(first.status, first.stderr).toBe(1);
    expect(first.stderr).toContain(`eml-import: error: the ledger in ${state}: the disk is full (SQLITE_FULL); the run stopped.`);
    expect(first.stderr).toContain('run the same command again');
    expect(first.stderr).not.toMatch(/\n\s+at /);
    const landedFirst = emulator.inspect.messages(BOB).length;
    expect(landedFirst).toBeGreaterThanOrEqual(20);
    expect(landedFirst).toBeLessThan(MESSAGES);

    rmSync(filler!);
    const second = await runCli(args, tenantEnv(emulator));
    expect(second.status, second.stderr).toBe(0);
    const subjects = emulator.inspect.messages(BOB).map((m) => m.subject);
    expect(subjects.length).toBe(MESSAGES);
    expect(new Set(subjects).size).toBe(MESSAGES);
  });

  it('stops a dry run whose temporary folder is full before anything is read, in one sentence (exit 2)', async (context) => {
    if (!mounted) context.skip();
    const temporary = join(disk, 'tmp');
    mkdirSync(temporary, { recursive: true });
    const filler = fillUp(disk);
    try {
      const previous = process.env['TMPDIR'];
      process.env['TMPDIR'] = temporary;
      let run;
      try {
        run = await runCli([zip, '--dry-run', '--no-progress']);
      } finally {
        if (previous === undefined) delete process.env['TMPDIR'];
        else process.env['TMPDIR'] = previous;
      }
      expect(run.status, run.stderr).toBe(2);
      expect(run.stderr).toMatch(new RegExp(`^eml-import: error: the temporary folder ${temporary}: cannot keep the dry run's ledger there: the disk is full \\((SQLITE_FULL|ENOSPC)\\)\n$`));
      expect(run.stdout).toBe('');
    } finally {
      rmSync(filler);
    }
  });
});
