import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startS3Server, type S3Server } from '../helpers/s3-server.js';
import { defaultUsers, startWorkMailEmulator, type WorkMailEmulator } from '../workmail-emulator/index.js';
import { BUCKET, exportArgs, jobsPerMailbox, objectExists, readMap, runChild } from './harness.js';

const USERS = 8;

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

describe('an export stopped with Ctrl-C', () => {
  it('exits 1 saying the jobs keep running, and a re-run follows them without starting another', async () => {
    const other = await startWorkMailEmulator({ s3, users: defaultUsers(3), jobDurationMs: 1500 });
    try {
      const dir = mkdtempSync(join(tmpdir(), 'eml-import-export-sigint-'));
      const args = [...exportArgs(other, join(dir, 'state'), join(dir, 'map.csv')), '--all', '--no-progress'];
      const stopped = await runChild(args, () => other.organisation.jobs.size >= 3, { signal: 'SIGINT' });
      expect(stopped.killed).toBe(true);
      expect(stopped.status).toBe(1);
      expect(stopped.stderr).toMatch(/interrupted: \d export job\(s\) keep running in WorkMail/);
      const again = await runChild(args, null);
      expect(again.status).toBe(0);
      expect([...jobsPerMailbox(other).values()]).toEqual([1, 1, 1]);
      expect(other.organisation.cooldownRefusals).toEqual([]);
    } finally {
      await other.close();
    }
  });
});
