import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { message, writeZip } from '../helpers/make-zip.js';
import { runCli } from '../helpers/run-cli.js';
import { tenantEnv } from '../helpers/tenant.js';

/**
 * One mailbox of an estate that Graph refuses while it lets the app into the others: an Exchange application
 * access policy or RBAC for Applications scope that leaves it out (403 ErrorAccessDenied "Access to OData is
 * disabled."), a full mailbox (403 ErrorQuotaExceeded), or its server out for minutes (503 past every retry).
 * It stops only itself; the others are imported, and the sentence says what to do about that mailbox.
 */
const ANN = 'ann@contoso.onmicrosoft.com';
const BOB = 'bob@contoso.onmicrosoft.com';
const CY = 'cy@contoso.onmicrosoft.com';

let emulator: Emulator;
let work: string;

beforeAll(async () => {
  emulator = await startEmulator({ mailboxes: [ANN, BOB, CY] });
  work = mkdtempSync(join(tmpdir(), 'eml-import-one-refused-'));
});

afterAll(async () => {
  await emulator?.close();
});

async function estate(tag: string): Promise<string[]> {
  const rows = ['zip,mailbox'];
  const zips: string[] = [];
  for (const mailbox of [ANN, BOB, CY]) {
    const user = mailbox.split('@')[0] as string;
    const zip = await writeZip(
      join(work, `${tag}-${user}.zip`),
      Array.from({ length: 5 }, (_, i) => ({ name: `Inbox/${i}.eml`, content: message({ subject: `${tag} ${user} ${i}`, messageId: `<${tag}-${user}-${i}@x>` }) })),
    );
    zips.push(zip);
    rows.push(`${zip},${mailbox}`);
  }
  writeFileSync(join(work, `${tag}.csv`), `${rows.join('\n')}\n`);
  return [...zips, '--map', join(work, `${tag}.csv`)];
}

function imported(tag: string, mailbox: string): number {
  return emulator.inspect.messages(mailbox).filter((m) => m.subject.startsWith(`${tag} `)).length;
}

async function importEstate(tag: string): Promise<{ status: number; stderr: string; report: Record<string, unknown> }> {
  const args = ['--tenant', emulator.tenant, '--client-id', emulator.clientId, '--authority-host', emulator.url, '--graph-url', emulator.url];
  const report = join(work, `${tag}-report`);
  const run = await runCli([...(await estate(tag)), ...args, '--state', join(work, `${tag}-state`), '--report', report, '--parallel', '3', '--no-progress'], tenantEnv(emulator));
  return { status: run.status, stderr: run.stderr, report: JSON.parse(readFileSync(join(report, 'report.json'), 'utf8')) as Record<string, unknown> };
}

describe('a mailbox Graph refuses at the tenant check stops only itself', () => {
  it('an application access policy that leaves one mailbox out: the others are imported, and a re-run in scope finishes once', async () => {
    emulator.configure({ quirks: { mailboxStates: { [BOB]: 'access-policy' } } });
    const first = await importEstate('policy');
    expect(first.status, first.stderr).toBe(2);
    expect(first.stderr).toMatch(/Graph refused mailbox bob@contoso\.onmicrosoft\.com \(403 ErrorAccessDenied\) while it let this app into other mailboxes.*application access policy or RBAC for Applications scope/);
    expect(imported('policy', ANN)).toBe(5);
    expect(imported('policy', CY)).toBe(5);
    expect(imported('policy', BOB)).toBe(0);
    expect(first.report['missingMailboxes']).toEqual([expect.objectContaining({ mailbox: BOB, messages: 5 })]);

    emulator.configure({ quirks: {} });
    const again = await importEstate('policy');
    expect(again.status, again.stderr).toBe(0);
    for (const mailbox of [ANN, BOB, CY]) expect(imported('policy', mailbox)).toBe(5);
  });

  it('every mailbox refused (a permission missing for the whole app) still stops the run before the scan', async () => {
    emulator.configure({ quirks: { mailboxStates: { [ANN]: 'access-policy', [BOB]: 'access-policy', [CY]: 'access-policy' } } });
    const args = ['--tenant', emulator.tenant, '--client-id', emulator.clientId, '--authority-host', emulator.url, '--graph-url', emulator.url];
    const run = await runCli([...(await estate('all-refused')), ...args, '--state', join(work, 'all-refused-state'), '--no-progress'], tenantEnv(emulator));
    emulator.configure({ quirks: {} });
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/the app needs the Microsoft Graph application permission/);
    for (const mailbox of [ANN, BOB, CY]) expect(imported('all-refused', mailbox)).toBe(0);
  });
});

describe('a full mailbox is said to be full', () => {
  it('403 ErrorQuotaExceeded on the creates names the quota, not a permission', async () => {
    emulator.configure({ quirks: { mailboxStates: { [BOB]: 'quota-exceeded' } } });
    const first = await importEstate('quota');
    emulator.configure({ quirks: {} });
    expect(first.status, first.stderr).toBe(2);
    expect(first.stderr).toMatch(/Mailbox bob@contoso\.onmicrosoft\.com is full \(403 ErrorQuotaExceeded: Mailbox has exceeded maximum mailbox size\.\): free space in it, raise its quota/);
    expect(first.stderr).not.toMatch(/application permission/);
    expect(imported('quota', ANN)).toBe(5);
    expect(imported('quota', CY)).toBe(5);
  });
});
