import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { message, writeZip } from '../helpers/make-zip.js';
import { runCli } from '../helpers/run-cli.js';
import { tenantArgs, tenantEnv } from '../helpers/tenant.js';

const MAILBOX = 'ann@contoso.onmicrosoft.com';

let emulator: Emulator;
let work: string;
let zip: string;

/** A small export: nested and non-ASCII folders, spam, a duplicate, a collision, a copy in another folder. */
async function writeExport(path: string): Promise<string> {
  return writeZip(path, [
    { name: 'export-1/Inbox/1.eml', content: message({ subject: 'Hello', messageId: '<1@x>' }) },
    { name: 'export-1/Inbox/2.eml', content: message({ subject: 'Hello', messageId: '<1@x>' }) }, // duplicate
    { name: 'export-1/Inbox/3.eml', content: message({ subject: '=?UTF-8?Q?Gr=C3=BC=C3=9Fe?=', messageId: '<3@x>' }) },
    { name: 'export-1/Inbox/4.eml', content: message({ subject: 'Same time', messageId: '<4a@x>' }) },
    { name: 'export-1/Inbox/5.eml', content: message({ subject: 'Same time', messageId: '<4b@x>' }) }, // collision: kept
    { name: 'export-1/Inbox/Projects/Q3 Planning/6.eml', content: message({ subject: 'Plan', messageId: '<6@x>' }) },
    { name: 'export-1/Sent Items/7.eml', content: message({ subject: 'Hello', messageId: '<1@x>' }) }, // other folder: kept
    { name: 'export-1/Entw&APw-rfe/8.eml', content: message({ subject: 'Draft-ish', messageId: '<8@x>' }) },
    { name: 'export-1/Junk E-mail/9.eml', content: message({ subject: 'Win', messageId: '<9@x>' }) },
    { name: 'export-1/Inbox/10.eml', content: message({ subject: 'Pills', messageId: '<10@x>', extraHeaders: ['X-Spam-Flag: YES'] }) },
  ]);
}

beforeAll(async () => {
  emulator = await startEmulator({ mailboxes: [MAILBOX] });
  work = mkdtempSync(join(tmpdir(), 'eml-import-test-'));
  zip = await writeExport(join(work, 'ann.zip'));
});

afterAll(async () => {
  await emulator?.close();
});

describe('import into the Graph emulator', () => {
  it('puts every wanted message into the right folder exactly once, non-draft, and resumes with nothing to do', async () => {
    const state = join(work, 'state');
    const first = await runCli([zip, ...tenantArgs(emulator, MAILBOX), '--state', state, '--json', '--no-progress'], tenantEnv(emulator));
    expect(first.stderr).not.toContain(emulator.clientSecret);
    expect(first.status, first.stderr).toBe(0);
    const json = JSON.parse(first.stdout) as { totals: Record<string, number> };
    expect(json.totals).toMatchObject({ messages: 10, imported: 7, alreadyPresent: 0, spam: 2, duplicates: 1, collisions: 1, failed: 0, unreadable: 0 });

    const messages = emulator.inspect.messages(MAILBOX);
    expect(messages).toHaveLength(7);
    expect(messages.every((m) => !m.isDraft)).toBe(true);
    const byFolder = (path: string): string[] => messages.filter((m) => m.folderPath === path).map((m) => m.subject).sort();
    expect(byFolder('Inbox')).toEqual(['Grüße', 'Hello', 'Same time', 'Same time']);
    expect(byFolder('Inbox/Projects/Q3 Planning')).toEqual(['Plan']);
    expect(byFolder('Sent Items')).toEqual(['Hello']);
    expect(byFolder('Entwürfe')).toEqual(['Draft-ish']);
    expect(messages.every((m) => m.method === 'importMime')).toBe(true);

    const requestsBefore = emulator.inspect.requests().length;
    const second = await runCli([zip, ...tenantArgs(emulator, MAILBOX), '--state', state, '--json', '--no-progress'], tenantEnv(emulator));
    expect(second.status, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout).totals).toMatchObject({ imported: 7, failed: 0 });
    const uploads = emulator.inspect.requests().slice(requestsBefore).filter((r) => /importMime|\/messages$/.test(r.path) && r.method === 'POST');
    expect(uploads).toHaveLength(0);
    expect(emulator.inspect.messages(MAILBOX)).toHaveLength(7);

    const db = new Database(join(state, 'state.db'), { readonly: true });
    const states = db.prepare(`SELECT state, count(*) AS n FROM messages GROUP BY state ORDER BY state`).all();
    db.close();
    expect(states).toEqual([
      { state: 'imported', n: 7 },
      { state: 'skipped', n: 3 },
    ]);
  });
});
