import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { message, writeZip } from '../helpers/make-zip.js';
import { runCli } from '../helpers/run-cli.js';
import { tenantArgs, tenantEnv } from '../helpers/tenant.js';
import { readImportSettings } from '../../src/commands/options.js';

const ANN = 'ann@contoso.onmicrosoft.com';
const BOB = 'bob@contoso.onmicrosoft.com';

let emulator: Emulator;
let work: string;
let runs = 0;

beforeAll(async () => {
  emulator = await startEmulator({ mailboxes: [ANN, BOB] });
  work = mkdtempSync(join(tmpdir(), 'eml-import-tenant-rules-'));
});

afterAll(async () => {
  await emulator?.close();
});

beforeEach(() => {
  emulator.configure({
    clients: { [emulator.clientId]: { secret: emulator.clientSecret, roles: ['Mail.ReadWrite', 'Mail-Advanced.ReadWrite.All'] } },
    quirks: {},
    sensitiveRuleFrom: null,
    now: null,
    latencyMs: { min: 0, max: 0 },
  });
});

/** A message with one attachment too large for the create, so the JSON path adds it by upload session. */
function withLargeAttachment(subject: string, messageId: string): string {
  const bytes = Buffer.alloc(3 * 1024 * 1024 + 10_000);
  // Incompressible, or the zip reader would take it for a zip bomb.
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
  return [
    'From: ann@example.com',
    `To: ${ANN}`,
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
    'Content-Type: application/pdf; name="big.pdf"',
    'Content-Disposition: attachment; filename="big.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    bytes.toString('base64').replace(/.{76}/g, '$&\r\n'),
    '--b1--',
    '',
  ].join('\r\n');
}

async function importInto(mailbox: string, entries: { name: string; content: string }[], extra: string[] = []) {
  runs += 1;
  const zip = await writeZip(join(work, `run-${runs}.zip`), entries);
  const state = join(work, `state-${runs}`);
  const run = await runCli([zip, ...tenantArgs(emulator, mailbox), '--state', state, '--no-progress', '--report', join(work, `report-${runs}`), ...extra], tenantEnv(emulator));
  return { run, reportDir: join(work, `report-${runs}`) };
}

describe('importMime is global-cloud only', () => {
  it('--cloud usgov with --api beta stops with exit 2 and that sentence, before any request', async () => {
    const before = emulator.inspect.requests().length;
    const zip = await writeZip(join(work, 'usgov.zip'), [{ name: 'Inbox/1.eml', content: message({ subject: 'gov', messageId: '<gov@x>' }) }]);
    const run = await runCli([zip, ...tenantArgs(emulator, ANN), '--cloud', 'usgov', '--api', 'beta', '--state', join(work, 'usgov-state')], tenantEnv(emulator));
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/importMime \(--api beta\) is available in the global cloud only, not in --cloud usgov: use --api v1\.0/);
    expect(emulator.inspect.requests().length).toBe(before);
  });

  it('--cloud china without --api chooses the JSON path and says why; --api v1.0 there is taken as given', () => {
    // (The emulator is a global-cloud tenant, whose tokens have the global audience, so this is read at the option level.)
    const china = readImportSettings([], { cloud: 'china' }).destination;
    expect(china.api).toBe('v1.0');
    expect(china.apiNote).toBe('--cloud china: importMime is available in the global cloud only, so every message takes the JSON path (--api v1.0)');
    const usgov = readImportSettings([], { cloud: 'usgov', api: 'v1.0' }).destination;
    expect([usgov.api, usgov.apiNote]).toEqual(['v1.0', undefined]);
    const global = readImportSettings([], {}).destination;
    expect([global.api, global.apiNote, global.inFlight]).toEqual(['beta', undefined, 4]);
  });

  it('doctor --cloud usgov-dod --api beta fails fast too', async () => {
    const run = await runCli(['doctor', ...tenantArgs(emulator, ANN), '--cloud', 'usgov-dod', '--api', 'beta', '--write-test'], tenantEnv(emulator));
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/global cloud only/);
  });
});

describe('the sensitive-property rule (31 December 2026)', () => {
  const ruleOn = { sensitiveRuleFrom: '2026-12-31', now: '2027-01-04T12:00:00Z' } as const;

  it('with Mail-Advanced.ReadWrite.All, the JSON path creates the non-draft and then adds its large attachment under the rule', async () => {
    emulator.configure(ruleOn);
    const { run } = await importInto(ANN, [{ name: 'Inbox/big.eml', content: withLargeAttachment('big under the rule', '<rule-ok@x>') }], ['--api', 'v1.0']);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const [imported] = emulator.inspect.messages(ANN, 'Inbox').filter((m) => m.internetMessageId === '<rule-ok@x>');
    expect(imported).toMatchObject({ method: 'json', isDraft: false });
    expect(imported?.attachments.map((a) => [a.name, a.size])).toEqual([['big.pdf', 3 * 1024 * 1024 + 10_000]]);
  });

  it('without it, the rule refuses the attachment and the failure names the permission; before the rule date the same works', async () => {
    emulator.configure({ ...ruleOn, clients: { [emulator.clientId]: { secret: emulator.clientSecret, roles: ['Mail.ReadWrite'] } } });
    const refused = await importInto(BOB, [{ name: 'Inbox/big.eml', content: withLargeAttachment('big refused', '<rule-refused@x>') }], ['--api', 'v1.0']);
    expect(refused.run.status).toBe(1);
    const failed = readFileSync(join(refused.reportDir, 'failed.csv'), 'utf8');
    expect(failed).toMatch(/grant the application permission Mail-Advanced\.ReadWrite\.All; from 31 December 2026/);

    emulator.configure({ now: '2026-12-30T12:00:00Z' });
    const before = await importInto(BOB, [{ name: 'Inbox/big.eml', content: withLargeAttachment('big before the rule', '<rule-before@x>') }], ['--api', 'v1.0']);
    expect(before.run.status, before.run.stdout + before.run.stderr).toBe(0);
    const [imported] = emulator.inspect.messages(BOB, 'Inbox').filter((m) => m.internetMessageId === '<rule-before@x>');
    expect(imported?.attachments).toHaveLength(1);
  });

  it('doctor explains the permission even with --api v1.0, and its write test fails with that sentence under the rule', async () => {
    emulator.configure({ ...ruleOn, clients: { [emulator.clientId]: { secret: emulator.clientSecret, roles: ['Mail.ReadWrite'] } } });
    const run = await runCli(['doctor', ...tenantArgs(emulator, ANN), '--api', 'v1.0', '--write-test'], tenantEnv(emulator));
    expect(run.status).toBe(2);
    expect(run.stdout).toMatch(/ok {3}permission Mail-Advanced\.ReadWrite\.All \(JSON path\): not granted; grant it before 31 December 2026: the JSON path/);
    expect(run.stdout).toMatch(/FAIL JSON over the size limit: attachment: Graph refused to add attachment probe-large\.bin to the non-draft message \(403\): grant the application permission Mail-Advanced\.ReadWrite\.All/);
    // The small JSON message carries its attachment in the create, which the rule does not touch.
    expect(run.stdout).toContain('ok   JSON: attachment:');

    // From 31 December 2026 on, the read-only line itself fails with the reason.
    const after = await runCli(['doctor', ...tenantArgs(emulator, ANN), '--api', 'v1.0'], tenantEnv(emulator, { EML_IMPORT_TODAY: '2027-01-04' }));
    expect(after.status).toBe(2);
    expect(after.stdout).toMatch(/FAIL permission Mail-Advanced\.ReadWrite\.All \(JSON path\): not granted: add the Microsoft Graph application permission Mail-Advanced\.ReadWrite\.All with admin consent, because the JSON path/);
  });
});

describe('--in-flight', () => {
  it('is lowered by itself for a mailbox that answers MailboxConcurrency 429s at the limit, and the summary says so', async () => {
    emulator.configure({ quirks: { throttleAtConcurrencyLimit: true }, latencyMs: { min: 100, max: 150 } });
    const entries = Array.from({ length: 24 }, (_, i) => ({ name: `Inbox/c${i}.eml`, content: message({ subject: `concurrency ${i}`, messageId: `<conc-${i}@x>` }) }));
    const { run } = await importInto(ANN, entries);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain(`in flight lowered after MailboxConcurrency 429s: ${ANN} 4→3`);
  });

  it('takes 1 to 4 and refuses anything else with exit 2', async () => {
    const run = await runCli(['doctor', ...tenantArgs(emulator, ANN), '--in-flight', '5'], tenantEnv(emulator));
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--in-flight wants a whole number from 1 to 4/);
    emulator.configure({ latencyMs: { min: 15, max: 30 } });
    const entries = Array.from({ length: 12 }, (_, i) => ({ name: `Inbox/d${i}.eml`, content: message({ subject: `two ${i}`, messageId: `<two-${i}@x>` }) }));
    const { run: two } = await importInto(BOB, entries, ['--in-flight', '2']);
    expect(two.status, two.stderr).toBe(0);
  });
});
