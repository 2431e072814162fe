import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { message, writeZip } from '../helpers/make-zip.js';
import { tenantArgs } from '../helpers/tenant.js';
import { runCliChild } from '../helpers/run-cli.js';

const MAILBOX = 'ann@contoso.onmicrosoft.com';
const CY = 'cy@contoso.onmicrosoft.com';
const MESSAGES = 60;

let emulator: Emulator;
let work: string;

beforeAll(async () => {
  // Exchange-like latency makes each run last long enough to be killed in the middle of uploads.
  emulator = await startEmulator({ mailboxes: [MAILBOX, CY], latencyMs: { min: 30, max: 90 }, seed: 7 });
  work = mkdtempSync(join(tmpdir(), 'eml-import-crash-'));
});

afterAll(async () => {
  await emulator?.close();
});

/** The CLI as a child process against the emulator, SIGKILLed once `killWhen` says so. */
function runChild(args: string[], killWhen: (() => boolean) | null): ReturnType<typeof runCliChild> {
  return runCliChild(args, { NODE_EXTRA_CA_CERTS: emulator.caFile, EML_IMPORT_CLIENT_SECRET: emulator.clientSecret }, killWhen);
}

describe('a process killed at random points', () => {
  it('ends with every wanted message present exactly once, no drafts, no duplicates', async () => {
    const zip = await writeZip(
      join(work, 'crash.zip'),
      Array.from({ length: MESSAGES }, (_, i) => ({
        name: `Inbox/${i % 3 === 0 ? 'Sub/' : ''}${i}.eml`,
        content: message({ subject: `Message ${i}`, messageId: `<m${i}@crash>`, date: `Tue, 5 Mar 2024 10:${String(i).padStart(2, '0')}:00 +0000` }),
      })),
    );
    // A short landing window: the emulator answers within 90 ms, and a kill leaves creates in flight.
    const args = [zip, ...tenantArgs(emulator, MAILBOX), '--state', join(work, 'state'), '--no-progress', '--json', '--landing-window', '2'];
    // Kill points: once during start-up and scanning, then whenever the destination has reached the
    // next count, which lands the kill between creates, during one, or between a create and its ledger
    // write; the 2 ms poll adds the jitter.
    const present = (): number => emulator.inspect.messages(MAILBOX).length;
    const started = Date.now();
    const killPoints: Array<() => boolean> = [() => Date.now() - started > 300, ...[3, 11, 19, 30, 42, 55].map((n) => () => present() >= n)];
    let kills = 0;
    let killsMidUpload = 0;
    for (const killWhen of killPoints) {
      const run = await runChild(args, killWhen);
      if (!run.killed) break;
      kills += 1;
      const present = emulator.inspect.messages(MAILBOX).length;
      if (present > 0 && present < MESSAGES) killsMidUpload += 1;
    }
    const final = await runChild(args, null);
    expect(final.status).toBe(0);
    expect(kills).toBeGreaterThan(0);
    // The point of the test: at least one kill landed while uploads were under way.
    expect(killsMidUpload).toBeGreaterThan(0);

    const messages = emulator.inspect.messages(MAILBOX);
    const ids = messages.map((m) => m.internetMessageId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(messages).toHaveLength(MESSAGES);
    expect(messages.filter((m) => m.isDraft)).toHaveLength(0);
  }, 180_000);

  it('a ledger whose rows do not say where their entries are (an earlier version) still imports each message once', async () => {
    const count = 30;
    const zip = await writeZip(
      join(work, 'no-location.zip'),
      Array.from({ length: count }, (_, i) => ({ name: `Inbox/${i}.eml`, content: message({ subject: `Old ledger ${i}`, messageId: `<old${i}@crash>` }) })),
    );
    const state = join(work, 'state-no-location');
    const args = [zip, ...tenantArgs(emulator, CY), '--state', state, '--no-progress', '--json', '--landing-window', '2'];
    // Killed once the scan is in the ledger and the import has begun: its first folder request, the second
    // request to the mailbox (the first is the check made before the scan).
    const importing = (): boolean => emulator.inspect.requests().filter((r) => r.path.includes(encodeURIComponent(CY)) || r.path.includes(CY)).length >= 2;
    expect((await runChild(args, importing)).killed).toBe(true);
    const ledger = new Database(join(state, 'state.db'));
    try {
      const cleared = ledger.prepare(`UPDATE messages SET local_offset = NULL, compressed_size = NULL, compression = NULL, zip_flags = NULL WHERE local_offset IS NOT NULL`).run();
      expect(cleared.changes).toBe(count);
    } finally {
      ledger.close();
    }

    expect((await runChild(args, null)).status).toBe(0);
    const subjects = emulator.inspect.messages(CY).map((m) => m.subject).sort();
    expect(subjects).toEqual(Array.from({ length: count }, (_, i) => `Old ledger ${i}`).sort());
    const after = new Database(join(state, 'state.db'), { readonly: true });
    try {
      // Read by name through the central directory: the rows still have no location.
      expect(after.prepare(`SELECT COUNT(*) AS n FROM messages WHERE local_offset IS NULL AND state IN ('imported', 'present')`).get()).toEqual({ n: count });
    } finally {
      after.close();
    }
  }, 120_000);
});
