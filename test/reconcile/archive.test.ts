import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { message, writeZip } from '../helpers/make-zip.js';
import { runCli } from '../helpers/run-cli.js';
import { tenantArgs, tenantEnv } from '../helpers/tenant.js';

const ANN = 'ann@contoso.onmicrosoft.com';

let emulator: Emulator;
let work: string;
let zip: string;

beforeAll(async () => {
  emulator = await startEmulator({ mailboxes: [ANN], archives: [ANN] });
  emulator.configure({ clients: { [emulator.clientId]: { secret: emulator.clientSecret, roles: ['Mail.ReadWrite', 'Mail-Advanced.ReadWrite.All', 'User.Read.All'] } } });
  work = mkdtempSync(join(tmpdir(), 'eml-import-archive-'));
  zip = await writeZip(
    join(work, 'ann.zip'),
    [1, 2, 3].map((i) => ({ name: `Inbox/${i}.eml`, content: message({ subject: `archived ${i}`, messageId: `<archived-${i}@x>` }) })),
  );
  const run = await runCli([zip, ...tenantArgs(emulator, ANN), '--state', join(work, 'state'), '--no-progress'], tenantEnv(emulator));
  expect(run.status, run.stderr).toBe(0);
});

afterAll(async () => {
  await emulator?.close();
});

interface ReconcileJson {
  totals: { missing: number };
  missing: { messageId: string }[];
  notInPrimary?: { messageId: string }[];
  warnings: string[];
}

async function reconcile(): Promise<{ status: number; json: ReconcileJson }> {
  const run = await runCli(['reconcile', zip, ...tenantArgs(emulator, ANN), '--state', join(work, 'state'), '--json', '--no-progress'], tenantEnv(emulator));
  return { status: run.status, json: JSON.parse(run.stdout) as ReconcileJson };
}

describe('reconcile and the online archive', () => {
  it('names a message an archive policy moved as not in the primary mailbox, still missing from its folder', async () => {
    const clean = await reconcile();
    expect(clean.status).toBe(0);
    expect(clean.json.notInPrimary).toBeUndefined();

    const moved = emulator.inspect.messages(ANN, 'Inbox').find((m) => m.internetMessageId === '<archived-2@x>');
    emulator.archiveMessage(ANN, moved!.id);
    expect(emulator.archivedMessages(ANN).map((m) => m.folderPath)).toEqual(['Inbox']);

    const { status, json } = await reconcile();
    expect(status).toBe(1);
    expect(json.totals.missing).toBe(1);
    expect(json.notInPrimary?.map((m) => m.messageId)).toEqual(['<archived-2@x>']);
    expect(json.warnings).toContain(`${ANN}: 1 of the missing messages are not in the primary mailbox but in its online archive (moved by an archive or retention policy)`);
  });

  it('says when it cannot look (no User.Read.All), and doctor says what to check in the Exchange admin centre', async () => {
    emulator.configure({ clients: { [emulator.clientId]: { secret: emulator.clientSecret, roles: ['Mail.ReadWrite', 'Mail-Advanced.ReadWrite.All'] } } });
    const { json } = await reconcile();
    expect(json.notInPrimary).toEqual([]);
    expect(json.warnings.some((w) => /could not look in the online archive \(the app lacks User\.Read\.All/.test(w))).toBe(true);
    const doctor = await runCli(['doctor', ...tenantArgs(emulator, ANN)], tenantEnv(emulator));
    expect(doctor.status).toBe(0);
    expect(doctor.stdout).toMatch(/ok {3}archive ann@contoso\.onmicrosoft\.com: cannot tell whether there is an online archive \(the app lacks User\.Read\.All.*Exchange admin centre/);
  });
});
