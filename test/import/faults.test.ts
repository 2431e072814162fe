import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator/index.js';
import { message, writeZip } from '../helpers/make-zip.js';
import { runCli } from '../helpers/run-cli.js';
import { tenantArgs, tenantEnv } from '../helpers/tenant.js';

const MAILBOX = 'ann@contoso.onmicrosoft.com';
let emulator: Emulator | undefined;

afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function importWith(options: EmulatorOptions, count: number, extraArgs: string[] = [], env: Record<string, string> = {}) {
  emulator = await startEmulator({ mailboxes: [MAILBOX], ...options });
  const work = mkdtempSync(join(tmpdir(), 'eml-import-faults-'));
  const zip = await writeZip(
    join(work, 'a.zip'),
    Array.from({ length: count }, (_, i) => ({
      name: `Inbox/${i}.eml`,
      content: message({ subject: `Fault ${i}`, messageId: `<f${i}@faults>`, date: `Wed, 6 Mar 2024 09:${String(i % 60).padStart(2, '0')}:${String(Math.floor(i / 60)).padStart(2, '0')} +0000` }),
    })),
  );
  const args = [zip, ...tenantArgs(emulator, MAILBOX), '--state', join(work, 'state'), '--json', '--no-progress', '--landing-window', '2', ...extraArgs];
  const run = await runCli(args, tenantEnv(emulator, env));
  return { run, emulator, again: () => runCli(args, tenantEnv(emulator as Emulator, env)) };
}

function expectExactlyOnce(emulator: Emulator, count: number): void {
  const messages = emulator.inspect.messages(MAILBOX);
  const ids = messages.map((m) => m.internetMessageId);
  expect(new Set(ids).size).toBe(ids.length);
  expect(messages).toHaveLength(count);
  expect(messages.some((m) => m.isDraft)).toBe(false);
}

describe('faults and limits', () => {
  it('survives 503s, 504s after commit and connection resets without duplicating anything', async () => {
    const { run, emulator, again } = await importWith(
      { seed: 3, faults: { rates: { '503-retry-after': 0.1, '503': 0.1, '504-after-commit': 0.15, 'reset-after-commit': 0.1, 'reset-before-commit': 0.1 }, retryAfterSeconds: 0 } },
      40,
    );
    // At these fault rates a message may exhaust its retries; it is then failed (exit 1) and the next
    // run retries it. Whatever happens, nothing may be created twice.
    const json = JSON.parse(run.stdout) as { totals: { failed: number } };
    expect(run.status, run.stderr).toBe(json.totals.failed > 0 ? 1 : 0);
    if (run.status !== 0) expect((await again()).status).toBe(0);
    const injected = emulator.inspect.faultsInjected().map((f) => f.kind);
    expect(injected).toContain('504-after-commit');
    expect(injected).toContain('reset-after-commit');
    expectExactlyOnce(emulator, 40);
  });

  it('keeps within Outlook limits (time-scaled) and ends with every message in', async () => {
    const scale = 0.005;
    const { run, emulator } = await importWith(
      { timeScale: scale, latencyMs: { min: 5, max: 15 }, limits: { requestsPerWindow: 60 } },
      80,
      [],
      { EML_IMPORT_TIME_SCALE: String(scale) },
    );
    expect(run.status).toBe(0);
    expect(emulator.inspect.maxConcurrency(MAILBOX)).toBeLessThanOrEqual(4);
    expectExactlyOnce(emulator, 80);
  });

  it('renews an expired token and goes on', async () => {
    // Three-second tokens (reused for half their life) over a run of several seconds. One-second tokens
    // failed now and then on a loaded machine: a renewed token expired again before the server read it,
    // which no token of Entra's (ten minutes at least) can do.
    const { run, emulator } = await importWith({ tokenLifetimeSeconds: 3, latencyMs: { min: 80, max: 120 } }, 60);
    expect(run.status, run.stderr).toBe(0);
    expectExactlyOnce(emulator, 60);
    // The importer must have asked for new ones.
    const tokenRequests = emulator.inspect.requests().filter((r) => r.path.endsWith('/oauth2/v2.0/token') && r.status === 200);
    expect(tokenRequests.length).toBeGreaterThan(1);
  });
});
