/**
 * Shards as an engine runs them: n CLI processes side by side, each with the engine's variables
 * (Kubernetes Indexed Job: JOB_COMPLETION_INDEX, EML_IMPORT_SHARD_COUNT) and its own state folder,
 * against one emulator. One is SIGKILLed mid-upload and run again from an empty state folder, as a pod
 * rescheduled on another node would be. Each shard uses its own app registration, the one deviation
 * from a real deployment, so the emulator's request log can tell the shards apart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_MAIL_ROLES, startEmulator, type Emulator } from '../emulator/index.js';
import { message, writeZip } from '../helpers/make-zip.js';
import { runCli, runCliChild } from '../helpers/run-cli.js';

const SHARDS = 3;
const SIZES: Record<string, number> = { ann: 48, bob: 30, cy: 22, dee: 15, eve: 10, fay: 5 };
const upn = (name: string): string => `${name}@contoso.onmicrosoft.com`;
const appOf = (shard: number): string => `00000000-0000-4000-8000-00000000000${shard}`;
const secretOf = (shard: number): string => `shard-${shard}-test-secret`;

let emulator: Emulator;
let work: string;
const zips: string[] = [];
let map: string;

beforeAll(async () => {
  const clients = Object.fromEntries(Array.from({ length: SHARDS }, (_, k) => [appOf(k + 1), { secret: secretOf(k + 1), roles: [...ALL_MAIL_ROLES] }]));
  emulator = await startEmulator({ mailboxes: Object.keys(SIZES).map(upn), clients, latencyMs: { min: 30, max: 90 }, seed: 16 });
  work = mkdtempSync(join(tmpdir(), 'eml-import-shards-'));
  for (const [name, count] of Object.entries(SIZES)) {
    zips.push(
      await writeZip(
        join(work, `${name}.zip`),
        Array.from({ length: count }, (_, i) => ({
          name: `${i % 4 === 0 ? 'Sent Items' : 'Inbox'}/${i}.eml`,
          content: message({ subject: `${name} ${i}`, messageId: `<${name}-${i}@shards>`, body: `body ${i} `.repeat(40) }),
        })),
      ),
    );
  }
  map = join(work, 'map.csv');
  writeFileSync(map, `zip,mailbox\n${Object.keys(SIZES).map((n) => `${n}.zip,${upn(n)}`).join('\n')}\n`);
});

afterAll(async () => {
  await emulator?.close();
});

/** One shard as the engine starts it: the same command line everywhere, the index in the environment. */
function runShard(shard: number, state: string, killWhen: (() => boolean) | null): ReturnType<typeof runCliChild> {
  const args = [
    ...zips, '--map', map, '--shard', 'auto', '--parallel', '2', '--state', state, '--report', join(work, `report-${shard}`),
    '--tenant', emulator.tenant, '--client-id', appOf(shard), '--authority-host', emulator.url, '--graph-url', emulator.url, '--no-progress', '--json',
  ];
  return runCliChild(
    args,
    { NODE_EXTRA_CA_CERTS: emulator.caFile, EML_IMPORT_CLIENT_SECRET: secretOf(shard), JOB_COMPLETION_INDEX: String(shard - 1), EML_IMPORT_SHARD_COUNT: String(SHARDS) },
    killWhen,
  );
}

describe('shards side by side, one killed and re-run from an empty state folder', () => {
  it('imports every wanted message exactly once and never touches a mailbox from two shards', async () => {
    const planned = await runCli(['plan', ...zips, '--map', map, '--machines', String(SHARDS), '--parallel', '2', '--json']);
    expect(planned.status).toBe(0);
    const assignment = (JSON.parse(planned.stdout) as { shards: Array<{ shard: number; mailboxes: string[] }> }).shards;
    expect(assignment.every((s) => s.mailboxes.length > 0)).toBe(true);
    const shardOfMailbox = new Map(assignment.flatMap((s) => s.mailboxes.map((m) => [m, s.shard] as const)));
    const victim = 1;
    const victimMailbox = assignment[victim - 1]?.mailboxes[0] as string;

    const runs = await Promise.all(
      Array.from({ length: SHARDS }, (_, k) =>
        runShard(k + 1, join(work, `state-${k + 1}`), k + 1 === victim ? () => emulator.inspect.messages(victimMailbox).length >= 12 : null),
      ),
    );
    expect(runs[victim - 1]?.killed).toBe(true);
    const cutShort = emulator.inspect.messages(victimMailbox).length;
    expect(cutShort).toBeGreaterThan(0);
    expect(cutShort).toBeLessThan(SIZES[victimMailbox.split('@')[0] as string] as number);
    for (const [k, run] of runs.entries()) if (k + 1 !== victim) expect(run.status, run.stderr).toBe(0);

    // Rescheduled elsewhere: the ledger is gone, the destination inventory must keep it exactly once.
    const again = await runShard(victim, join(work, `state-${victim}-fresh`), null);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toContain(`shard ${victim}/${SHARDS} (JOB_COMPLETION_INDEX=${victim - 1}`);

    for (const [name, count] of Object.entries(SIZES)) {
      const messages = emulator.inspect.messages(upn(name));
      const ids = messages.map((m) => m.internetMessageId).sort();
      expect(ids, name).toEqual(Array.from({ length: count }, (_, i) => `<${name}-${i}@shards>`).sort());
      expect(messages.filter((m) => m.isDraft), name).toHaveLength(0);
    }

    const appsByMailbox = new Map<string, Set<string>>();
    for (const request of emulator.inspect.requests()) {
      const match = /^\/(?:v1\.0|beta)\/users\/([^/]+)/.exec(request.path);
      if (!match || request.appId === undefined) continue;
      const mailbox = decodeURIComponent(match[1] as string).toLowerCase();
      appsByMailbox.set(mailbox, (appsByMailbox.get(mailbox) ?? new Set()).add(request.appId));
    }
    expect([...appsByMailbox.keys()].sort()).toEqual(Object.keys(SIZES).map(upn).sort());
    for (const [mailbox, apps] of appsByMailbox) expect([...apps], mailbox).toEqual([appOf(shardOfMailbox.get(mailbox) as number)]);

    const merged = await runCli(['report', 'merge', ...Array.from({ length: SHARDS }, (_, k) => join(work, `report-${k + 1}`)), '--out', join(work, 'estate'), '--json']);
    expect(merged.status, merged.stderr).toBe(0);
    const totals = (JSON.parse(merged.stdout) as { totals: { importable: number; imported: number; alreadyPresent: number; failed: number; pending: number } }).totals;
    const all = Object.values(SIZES).reduce((a, b) => a + b, 0);
    expect(totals.importable).toBe(all);
    expect(totals.imported + totals.alreadyPresent).toBe(all);
    expect(totals.alreadyPresent).toBeGreaterThanOrEqual(1); // what the killed run had created was found, not sent again
    expect(totals).toMatchObject({ failed: 0, pending: 0 });
  });
});
