import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { message, writeZip } from '../helpers/make-zip.js';
import { runCli } from '../helpers/run-cli.js';
import { tenantArgs, tenantEnv } from '../helpers/tenant.js';

const ANN = 'ann@contoso.onmicrosoft.com';
const BOB = 'bob@contoso.onmicrosoft.com';
const fixtures = resolve(import.meta.dirname, '..', '..', 'fixtures');

let emulator: Emulator;
let work: string;

beforeAll(async () => {
  emulator = await startEmulator({ mailboxes: [ANN, BOB] });
  work = mkdtempSync(join(tmpdir(), 'eml-import-methods-'));
});

afterAll(async () => {
  await emulator?.close();
});

/** A multipart message with one attachment of `size` pseudo-random bytes. */
function withAttachment(subject: string, messageId: string, name: string, size: number): string {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 2654435761) >>> 24;
  const b64 = bytes.toString('base64').replace(/.{76}/g, '$&\r\n');
  return [
    'From: ann@example.com',
    'To: bob@example.com',
    `Subject: ${subject}`,
    'Date: Tue, 12 Mar 2024 09:00:00 +0000',
    `Message-ID: ${messageId}`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'See attached.',
    '--b1',
    `Content-Type: application/pdf; name="${name}"`,
    `Content-Disposition: attachment; filename="${name}"`,
    'Content-Transfer-Encoding: base64',
    '',
    b64,
    '--b1--',
    '',
  ].join('\r\n');
}

const ids = (messages: { internetMessageId: string | null }[]): string[] => messages.map((m) => m.internetMessageId ?? '').sort();

describe('upload methods, folder mapping and mailboxes', () => {
  it('--api v1.0 imports every message by JSON create as a non-draft with its original dates', async () => {
    const upn = BOB;
    const zip = await writeZip(join(work, 'v1.zip'), [
      { name: 'Inbox/a.eml', content: message({ subject: 'JSON one', messageId: '<j1@x>', date: 'Thu, 7 Mar 2024 08:30:00 +0100' }) },
      { name: 'Sent Items/b.eml', content: message({ subject: '=?ISO-8859-1?Q?Caf=E9?=', messageId: '<j2@x>', date: 'Fri, 8 Mar 2024 17:45:10 -0500' }) },
    ]);
    const run = await runCli([zip, ...tenantArgs(emulator, upn), '--api', 'v1.0', '--state', join(work, 's-v1'), '--json', '--no-progress'], tenantEnv(emulator));
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).methods).toEqual({ json: 2 });
    const messages = emulator.inspect.messages(upn);
    expect(messages.map((m) => [m.folderPath, m.subject, m.sentDateTime, m.method, m.isDraft]).sort()).toEqual([
      ['Inbox', 'JSON one', '2024-03-07T07:30:00Z', 'json', false],
      ['Sent Items', 'Café', '2024-03-08T22:45:10Z', 'json', false],
    ]);
  });

  it('sends messages too large for importMime by JSON, attachments by POST under 3 MB and by upload session above', async () => {
    const upn = ANN;
    const report = join(work, 'large-report');
    const big = await writeZip(join(work, 'big.zip'), [{ name: 'Inbox/big.eml', content: withAttachment('Board pack', '<big@x>', 'pack.pdf', 3_600_000) }]);
    const run = await runCli([join(fixtures, 'large-attachment.zip'), big, ...tenantArgs(emulator, upn), '--state', join(work, 's-large'), '--report', report, '--no-progress'], tenantEnv(emulator));
    expect(run.status, run.stderr).toBe(0);
    const byPost = emulator.inspect.messages(upn).find((m) => m.subject === 'Scan with a 3 MB attachment');
    expect(byPost?.method).toBe('json');
    expect(byPost?.isDraft).toBe(false);
    expect(byPost?.attachments.map((a) => a.name)).toEqual(['scan.pdf']);
    const bySession = emulator.inspect.messages(upn).find((m) => m.subject === 'Board pack');
    expect(bySession?.method).toBe('json');
    expect(bySession?.attachments.map((a) => [a.name, a.size])).toEqual([['pack.pdf', 3_600_000]]);
    expect(emulator.inspect.requests().filter((r) => r.method === 'PUT' && r.status < 300).length).toBeGreaterThan(1);
    const imported = parse(readFileSync(join(report, 'imported.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(imported.map((r) => r.method)).toEqual(['json', 'json']);
    expect(imported.map((r) => r.destinationId).sort()).toEqual([byPost?.id, bySession?.id].sort());
  });

  it('sends by JSON a message importMime refuses as unparsable MIME (400 ErrorMimeContentInvalid), instead of failing it on every run', async () => {
    const refusing = await startEmulator({ mailboxes: [ANN], quirks: { invalidMimeMarker: 'X-Exchange-Cannot-Parse' } });
    try {
      const zip = await writeZip(join(work, 'unparsable.zip'), [
        { name: 'Inbox/1.eml', content: message({ subject: 'Parsed', messageId: '<parsed@x>' }) },
        { name: 'Inbox/2.eml', content: message({ subject: 'Refused by importMime', messageId: '<refused@x>', extraHeaders: ['X-Exchange-Cannot-Parse: yes'] }) },
      ]);
      const run = await runCli([zip, ...tenantArgs(refusing, ANN), '--state', join(work, 'state-unparsable'), '--no-progress', '--json'], tenantEnv(refusing));
      expect(run.status, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout).methods).toEqual({ importMime: 1, json: 1 });
      const methods = Object.fromEntries(refusing.inspect.messages(ANN).map((m) => [m.subject, [m.method, m.isDraft]]));
      expect(methods).toEqual({ Parsed: ['importMime', false], 'Refused by importMime': ['json', false] });
    } finally {
      await refusing.close();
    }
  });

  it('--into and --archive-before file messages where the admin asked, and --map spreads zips over mailboxes', async () => {
    const annZip = await writeZip(join(work, 'ann-export.zip'), [
      { name: 'Inbox/old.eml', content: message({ subject: 'Old news', messageId: '<old@x>', date: 'Mon, 1 Jan 2018 10:00:00 +0000' }) },
      { name: 'Inbox/Projects/new.eml', content: message({ subject: 'New work', messageId: '<new@x>', date: 'Mon, 1 Jul 2024 10:00:00 +0000' }) },
      { name: 'Inbox/Projects/older.eml', content: message({ subject: 'Older work', messageId: '<older@x>', date: 'Mon, 1 Jul 2019 10:00:00 +0000' }) },
    ]);
    const bobZip = await writeZip(join(work, 'bob-export.zip'), [{ name: 'Inbox/b.eml', content: message({ subject: 'For Bob', messageId: '<bob@x>' }) }]);
    const map = join(work, 'map.csv');
    writeFileSync(map, `zip,mailbox\nann-*.zip,${ANN}\nbob-export.zip,${BOB}\n`);
    const args = [annZip, bobZip, '--tenant', emulator.tenant, '--client-id', emulator.clientId, '--authority-host', emulator.url, '--graph-url', emulator.url, '--map', map, '--parallel', '2'];
    const run = await runCli([...args, '--into', 'WorkMail import', '--archive-before', '2020-01-01', '--state', join(work, 's-map'), '--json', '--no-progress'], tenantEnv(emulator));
    expect(run.status, run.stderr).toBe(0);
    const folderOf = (upn: string, subject: string): string | undefined => emulator.inspect.messages(upn).find((m) => m.subject === subject)?.folderPath;
    expect(folderOf(ANN, 'New work')).toBe('WorkMail import/Inbox/Projects');
    // With --into, Archive is a folder inside the import folder too: nothing lands outside it.
    expect(folderOf(ANN, 'Old news')).toBe('WorkMail import/Archive/Inbox');
    expect(folderOf(ANN, 'Older work')).toBe('WorkMail import/Archive/Inbox/Projects');
    expect(folderOf(BOB, 'For Bob')).toBe('WorkMail import/Inbox');
  });

  it('skips messages already in the destination, counting by multiset, and a dry run with a tenant reports them', async () => {
    const fresh = await startEmulator({ mailboxes: [ANN] });
    try {
      const dup = message({ subject: 'Twice', messageId: '<twice@x>' });
      // No Date and no Message-ID: Exchange gives it a sentDateTime of its own, so only the subject can tell.
      const undated = message({ subject: 'No date at all', date: '' });
      const zip = await writeZip(join(work, 'present.zip'), [
        { name: 'Inbox/1.eml', content: dup },
        { name: 'Sent Items/2.eml', content: dup },
        { name: 'Inbox/3.eml', content: message({ subject: 'Only here', messageId: '<only@x>' }) },
        { name: 'Inbox/4.eml', content: undated },
      ]);
      // As if Microsoft's own IMAP migration had already brought the Inbox copies over.
      await fresh.addMessage(ANN, 'Inbox', { mime: Buffer.from(dup), method: 'importMime' });
      await fresh.addMessage(ANN, 'Inbox', { mime: Buffer.from(undated), method: 'importMime' });
      const dry = await runCli([zip, ...tenantArgs(fresh, ANN), '--dry-run', '--json', '--no-progress'], tenantEnv(fresh));
      expect(dry.status, dry.stderr).toBe(0);
      expect(JSON.parse(dry.stdout).totals).toMatchObject({ messages: 4, alreadyPresent: 2, wouldImport: 2 });
      expect(JSON.parse(dry.stdout).totals).not.toHaveProperty('imported');
      expect(fresh.inspect.messages(ANN)).toHaveLength(2);

      const run = await runCli([zip, ...tenantArgs(fresh, ANN), '--state', join(work, 's-present'), '--json', '--no-progress'], tenantEnv(fresh));
      expect(run.status, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout).totals).toMatchObject({ alreadyPresent: 2, imported: 2 });
      expect(ids(fresh.inspect.messages(ANN))).toEqual(['', '<only@x>', '<twice@x>', '<twice@x>']);
    } finally {
      await fresh.close();
    }
  });
});
