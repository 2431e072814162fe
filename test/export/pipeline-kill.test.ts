import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { startS3Server, type S3Server } from '../helpers/s3-server.js';
import { tenantEnv } from '../helpers/tenant.js';
import { defaultUsers, startWorkMailEmulator, type WorkMailEmulator } from '../workmail-emulator/index.js';
import { BUCKET, exportArgs, jobsPerMailbox, readMap, runChild } from './harness.js';

/**
 * The whole migration with the real CLI in child processes against the three emulators (WorkMail, S3,
 * Graph), SIGKILLed once in each phase and run again: `export`, the pipelined import
 * (`--wait-for-exports`), and reconcile. The proof is the Graph emulator's own store: every exported
 * message exactly once in its mailbox, and nothing else.
 */

const DOMAIN = 'contoso.onmicrosoft.com';
const USERS = defaultUsers(3);
/** Under 31: the emulator's export dates messages on the n-th of January. */
const PER_ZIP = 24;
const mailboxOf = (email: string): string => `${email.split('@')[0]}@${DOMAIN}`;

let s3: S3Server;
let workmail: WorkMailEmulator;
let graph: Emulator;

beforeAll(async () => {
  s3 = await startS3Server([BUCKET]);
  // Staggered jobs, so the import has one mailbox to do while the others are still being exported.
  const durations = [300, 1500, 2500];
  workmail = await startWorkMailEmulator({ s3, users: USERS, messagesPerZip: PER_ZIP, jobDurationMs: (u) => durations[USERS.findIndex((x) => x.id === u.id)] ?? 300 });
  // Some latency per Graph request, so that a kill can fall in the middle of an import or a reconcile.
  graph = await startEmulator({ mailboxes: USERS.map((u) => mailboxOf(u.email)), latencyMs: { min: 10, max: 20 } });
});

afterAll(async () => {
  await graph?.close();
  await workmail?.close();
  await s3?.close();
});

function imported(): number {
  return USERS.reduce((n, u) => n + graph.inspect.messages(mailboxOf(u.email)).length, 0);
}

describe('export -> S3 -> pipelined import -> reconcile, SIGKILLed in each phase', () => {
  it('ends with every exported message exactly once in its mailbox', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eml-import-pipeline-kill-'));
    const state = join(dir, 'state');
    const mapOut = join(dir, 'map.csv');
    const exportCommand = [...exportArgs(workmail, state, mapOut), '--all', '--target-domain', DOMAIN, '--no-progress'];
    const tenant = ['--tenant', graph.tenant, '--client-id', graph.clientId, '--authority-host', graph.url, '--graph-url', graph.url];
    const s3Args = ['--s3-endpoint', s3.endpoint, '--s3-region', 'us-east-1'];
    // A killed run's creates were answered or not by the time the next run starts: no need to wait 300 s for them.
    const importCommand = ['--map', mapOut, '--wait-for-exports', ...s3Args, ...tenant, '--state', state, '--landing-window', '1', '--no-progress'];
    const reconcileCommand = (zips: string[]): string[] => ['reconcile', ...zips, '--map', mapOut, ...s3Args, ...tenant, '--state', state, '--no-progress', '--json'];
    const env = tenantEnv(graph);
    const org = workmail.organisation;
    const total = USERS.length * PER_ZIP;

    // Export: killed once a job is started (the command runs on until every job has ended); the re-run goes
    // on alongside the import, following that job rather than starting another.
    let runningAtKill = -1;
    const exportKilled = await runChild(exportCommand, () => {
      if (org.jobs.size === 0) return false;
      runningAtKill = org.running().length;
      return true;
    });
    const exporting = runChild(exportCommand, null);
    while (!(existsSync(mapOut) && readMap(mapOut).length === USERS.length)) await new Promise((resolve) => setTimeout(resolve, 20));

    // Import: killed with some messages in the mailboxes, not all, while exports may still be running.
    let importedAtKill = -1;
    const importKilled = await runChild(importCommand, () => {
      const n = imported();
      if (n < 5 || n >= total - 5) return false;
      importedAtKill = n;
      return true;
    }, { env });
    const importAgain = await runChild(importCommand, null, { env });
    const exportAgain = await exporting;

    // Reconcile: read-only, killed once it has asked Graph something, run again to its verdict.
    const before = graph.inspect.requests().length;
    let reconcileRequestsAtKill = -1;
    const zips = readMap(mapOut).map((row) => row.zip);
    const reconcileKilled = await runChild(reconcileCommand(zips), () => {
      const n = graph.inspect.requests().length - before;
      if (n < 3) return false;
      reconcileRequestsAtKill = n;
      return true;
    }, { env });
    const reconcileAgain = await runChild(reconcileCommand(zips), null, { env, stdout: true });

    expect(exportKilled.killed).toBe(true);
    expect(runningAtKill).toBeGreaterThan(0);
    expect(exportAgain.status).toBe(0);
    // The SDK's note about Node 22 is not the user's business (src/source/aws-sdk-warning.ts).
    expect(exportAgain.stderr + importAgain.stderr).not.toContain('NodeVersionSupportWarning');
    expect([...jobsPerMailbox(workmail).values()]).toEqual([1, 1, 1]);
    expect(importKilled.killed).toBe(true);
    expect(importedAtKill).toBeGreaterThan(0);
    expect(importedAtKill).toBeLessThan(total);
    expect(importAgain.stderr).not.toMatch(/error|failed/i);
    expect(importAgain.status).toBe(0);
    expect(reconcileKilled.killed).toBe(true);
    expect(reconcileRequestsAtKill).toBeGreaterThan(0);
    expect(reconcileAgain.status).toBe(0);
    const verdict = JSON.parse(reconcileAgain.stdout) as { totals: Record<string, number> };
    expect(verdict.totals).toMatchObject({ expected: total, present: total, missing: 0, unexpected: 0, drafts: 0 });

    for (const user of USERS) {
      const messages = graph.inspect.messages(mailboxOf(user.email));
      const ids = messages.map((m) => m.internetMessageId).sort();
      const wanted = Array.from({ length: PER_ZIP }, (_, i) => `<export-${i + 1}.${user.id}@example.net>`).sort();
      expect(ids).toEqual(wanted);
      expect(messages.filter((m) => m.isDraft)).toEqual([]);
    }
  }, 60_000);
});
