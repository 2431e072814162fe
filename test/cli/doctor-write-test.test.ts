import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator, type EmulatorConfigurePatch } from '../emulator/index.js';
import { runCli } from '../helpers/run-cli.js';
import { tenantArgs, tenantEnv } from '../helpers/tenant.js';
import { graphFor } from '../emulator/clients.js';
import { main } from '../../src/commands/cli.js';

const ANN = 'ann@contoso.onmicrosoft.com';
const ROLES = ['Mail.ReadWrite', 'Mail-Advanced.ReadWrite.All', 'User.Read.All'];

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ mailboxes: [ANN], archives: [ANN] });
});

afterAll(async () => {
  await emulator?.close();
});

function clients(roles: string[]): EmulatorConfigurePatch {
  return { clients: { [emulator.clientId]: { secret: emulator.clientSecret, roles } } };
}

beforeEach(() => {
  emulator.configure({ ...clients(ROLES), quirks: {}, sensitiveRuleFrom: null, now: null, latencyMs: { min: 0, max: 0 } });
});

/** Every folder path in the mailbox and every message: what the write test must leave exactly as it found. */
function mailboxState(): { folders: string[]; messages: number } {
  const folders: string[] = [];
  const walk = (folder: ReturnType<Emulator['inspect']['folders']>): void => {
    folders.push(folder.path);
    folder.children.forEach(walk);
  };
  walk(emulator.inspect.folders(ANN));
  return { folders: folders.sort(), messages: emulator.inspect.messages(ANN).length };
}

async function doctor(extra: string[] = []) {
  return runCli(['doctor', ...tenantArgs(emulator, ANN), '--write-test', ...extra], tenantEnv(emulator));
}

function failures(stdout: string): string[] {
  return stdout.split('\n').filter((line) => line.startsWith('FAIL'));
}

describe('eml-import doctor --write-test', () => {
  it('passes every check against a well-behaved tenant and leaves the mailbox as it found it', async () => {
    const before = mailboxState();
    const run = await doctor();
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(failures(run.stdout)).toEqual([]);
    for (const label of ['importMime', 'JSON', 'importMime at the size limit', 'JSON over the size limit']) {
      for (const what of ['created', 'isDraft', 'sentDateTime', 'receivedDateTime', 'subject', 'internetMessageId', 'attachment', 'fingerprint', 'found by Message-ID', 'found by sent date']) {
        expect(run.stdout).toContain(`ok   ${label}: ${what}:`);
      }
    }
    expect(run.stdout).toContain('ok   JSON: found by fingerprint property');
    expect(run.stdout).toMatch(/ok {3}latency: median \d+ ms .* message creates a second/);
    expect(run.stdout).toMatch(/ok {3}archive ann@contoso\.onmicrosoft\.com: has an online archive/);
    expect(run.stdout).toContain('All checks passed.');
    expect(mailboxState()).toEqual(before);
  });

  it('writes into a hidden folder of its own directly under the mailbox root', async () => {
    const seen: { displayName: string; isHidden: boolean; messages: number }[] = [];
    let stdout = '';
    const status = await main(['doctor', ...tenantArgs(emulator, ANN), '--write-test'], {
      stdout: {
        write: (chunk: string) => {
          stdout += chunk;
          // Each line is printed as soon as it is known: look at the mailbox while the test runs.
          if (chunk.includes('JSON: created')) {
            for (const folder of emulator.inspect.folders(ANN).children) {
              if (folder.displayName.startsWith('eml-import write test ')) seen.push({ displayName: folder.displayName, isHidden: folder.isHidden, messages: folder.totalItemCount });
            }
          }
          return true;
        },
      },
      stderr: { write: () => true },
      env: tenantEnv(emulator),
    });
    expect(status, stdout).toBe(0);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ isHidden: true, messages: 2 });
    expect(seen[0]?.displayName).toMatch(/^eml-import write test \d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ$/);
  });

  it('--json gives { ok, checks: [{ name, ok, detail }] }', async () => {
    const run = await doctor(['--json']);
    expect(run.status, run.stdout).toBe(0);
    const parsed = JSON.parse(run.stdout) as { ok: boolean; checks: { name: string; ok: boolean; detail: string }[] };
    expect(parsed.ok).toBe(true);
    expect(parsed.checks.find((c) => c.name === 'JSON: isDraft')).toMatchObject({ ok: true, detail: 'false' });
    expect(parsed.checks.find((c) => c.name === 'latency')).toMatchObject({ ok: true, medianMs: expect.any(Number) as number });
  });

  const faults: { name: string; patch: EmulatorConfigurePatch; check: RegExp; sentence: RegExp }[] = [
    // As in a US Government or China tenant, where permanentDelete is unknown too: cleanup goes through Deleted Items.
    { name: 'importMime missing', patch: { quirks: { nationalCloud: true } }, check: /^FAIL importMime: created:/m, sentence: /importMime is not available to this tenant \(Graph answered 400 BadRequest, request id [\w-]+\): import with --api v1\.0/ },
    {
      name: 'importMime refusing smaller messages than documented',
      patch: { quirks: { importMimeMaxBytes: 2_300_000 } },
      check: /^FAIL importMime at the size limit: created:/m,
      sentence: /Graph refused importMime for a \d+-byte message, under its 4 MB request limit \(413 RequestEntityTooLarge, request id [\w-]+\): the import sends such messages by the JSON path/,
    },
    { name: 'drafts created', patch: { quirks: { draftsCreated: true } }, check: /^FAIL JSON: isDraft:/m, sentence: /report this: Graph answered isDraft true where false from the JSON path's PR_MESSAGE_FLAGS was expected \(request id [\w-]+\)/ },
    { name: 'dates shifted', patch: { quirks: { dateShiftMinutes: 60 } }, check: /^FAIL importMime: sentDateTime:/m, sentence: /report this: Graph answered sentDateTime 2024-03-05T09:15:30Z where 2024-03-05T08:15:30Z \(the Date header in UTC\) was expected/ },
    { name: 'Message-ID dropped', patch: { quirks: { dropMessageId: true } }, check: /^FAIL JSON: internetMessageId:/m, sentence: /report this: Graph answered internetMessageId null where <write-test\./ },
    { name: 'attachment refused', patch: { quirks: { refuseAttachments: true } }, check: /^FAIL JSON over the size limit: attachment:/m, sentence: /report this: Graph answered 400 ErrorMessageSizeExceeded where success adding attachment probe-large\.bin/ },
    {
      name: '429 at 4 in flight',
      patch: { quirks: { throttleAtConcurrencyLimit: true }, latencyMs: { min: 150, max: 200 } },
      check: /^FAIL concurrency: 4 requests in flight:/m,
      sentence: /429 MailboxConcurrency with 4 requests in flight: import with --in-flight 3/,
    },
  ];

  for (const fault of faults) {
    it(`${fault.name}: the matching check fails with its sentence, and nothing is left behind`, async () => {
      const before = mailboxState();
      emulator.configure(fault.patch);
      const run = await doctor();
      expect(run.status, run.stdout).toBe(2);
      expect(run.stdout).toMatch(fault.check);
      expect(run.stdout).toMatch(fault.sentence);
      expect(run.stdout).toContain('ok   write test: cleanup');
      expect(mailboxState()).toEqual(before);
    });
  }

  it('a scratch folder left by a killed run is found and removed by the next run', async () => {
    const before = mailboxState();
    // What a run killed before its cleanup leaves: the hidden folder with a message in it.
    const graph = graphFor(emulator);
    const folder = (await graph.api(`/users/${ANN}/mailFolders`).post({ displayName: 'eml-import write test 2026-12-01T09-00-00Z', isHidden: true })) as { id: string };
    await emulator.addMessage(ANN, 'eml-import write test 2026-12-01T09-00-00Z', { subject: 'left behind' });
    expect(mailboxState()).not.toEqual(before);
    const run = await doctor();
    expect(run.status, run.stdout).toBe(0);
    expect(run.stdout).toContain("ok   write test: leftovers: removed 'eml-import write test 2026-12-01T09-00-00Z', left by an interrupted write test");
    expect(mailboxState()).toEqual(before);
    expect(folder.id).toBeTruthy();
  });

  it('Ctrl-C during the write test stops it and still removes the scratch folder', async () => {
    const before = mailboxState();
    emulator.configure({ latencyMs: { min: 30, max: 40 } });
    const controller = new AbortController();
    const seen = emulator.inspect.requests().length;
    // Interrupt as soon as the first message has been created.
    const watch = setInterval(() => {
      if (emulator.inspect.requests().slice(seen).some((r) => r.method === 'POST' && r.path.endsWith('/importMime'))) controller.abort();
    }, 5);
    let stdout = '';
    const status = await main(['doctor', ...tenantArgs(emulator, ANN), '--write-test'], {
      stdout: { write: (chunk: string) => (stdout += chunk) },
      stderr: { write: () => true },
      env: tenantEnv(emulator),
      signal: controller.signal,
    });
    clearInterval(watch);
    expect(status).toBe(2);
    expect(stdout).toContain('FAIL write test: interrupted (Ctrl-C); the scratch folder is removed all the same');
    expect(stdout).toContain('ok   write test: cleanup');
    expect(stdout).not.toContain('JSON over the size limit: created');
    expect(mailboxState()).toEqual(before);
  });
});
