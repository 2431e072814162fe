import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startS3Server, type S3Server } from '../helpers/s3-server.js';
import { defaultUsers, startWorkMailEmulator, type WorkMailEmulator } from '../workmail-emulator/index.js';
import { AWS_ENV, BUCKET, exportArgs, jobsPerMailbox, objectExists, readMap } from './harness.js';

const USERS = 8;
const root = resolve(import.meta.dirname, '..', '..');

let s3: S3Server;
let emulator: WorkMailEmulator;

beforeAll(async () => {
  s3 = await startS3Server([BUCKET]);
  emulator = await startWorkMailEmulator({ s3, users: defaultUsers(USERS), jobDurationMs: 700, maxConcurrentJobs: 3 });
});

afterAll(async () => {
  await emulator?.close();
  await s3?.close();
});

/** The real CLI as a child process, SIGKILLed once `killWhen` says so (unless it ends first). */
function runChild(args: string[], killWhen: (() => boolean) | null): Promise<{ status: number | null; killed: boolean }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli.ts'), ...args], { cwd: root, env: { ...process.env, ...AWS_ENV }, stdio: 'ignore' });
    let killed = false;
    const timer = killWhen === null ? null : setInterval(() => {
      if (killed || !killWhen()) return;
      killed = true;
      child.kill('SIGKILL');
    }, 2);
    child.on('exit', (status) => {
      if (timer) clearInterval(timer);
      done({ status, killed });
    });
  });
}

describe('an export killed with SIGKILL and run again', () => {
  it('starts exactly one job per mailbox and ends with every zip in the map', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eml-import-export-crash-'));
    const args = [...exportArgs(emulator, join(dir, 'state'), join(dir, 'map.csv')), '--all', '--max-running', '3', '--no-progress'];
    const org = emulator.organisation;
    // Kill points: right after a Start request reaches WorkMail (often before the answer is recorded),
    // then after more jobs have started, then while jobs are running.
    const killPoints = [() => org.startRequests >= 1, () => org.jobs.size >= 4, () => org.jobs.size >= 6 && org.running().length > 0];
    let kills = 0;
    for (const killWhen of killPoints) {
      const run = await runChild(args, killWhen);
      if (run.killed) kills++;
    }
    const final = await runChild(args, null);

    expect(kills).toBeGreaterThan(1);
    expect(final.status).toBe(0);
    expect([...jobsPerMailbox(emulator).values()]).toEqual(Array(USERS).fill(1));
    expect(org.cooldownRefusals).toEqual([]);
    const map = readMap(join(dir, 'map.csv'));
    expect(map).toHaveLength(USERS);
    for (const row of map) expect(await objectExists(s3, row.zip)).toBe(true);
  });
});
