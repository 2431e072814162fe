/**
 * Reconcile end to end: a real zip imported through the real CLI into the Graph emulator over HTTPS, then
 * reconciled through the real CLI (and once through runReconcile directly), with the real SQLite ledger.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { message, writeZip } from '../helpers/make-zip.js';
import { runCli } from '../helpers/run-cli.js';
import { tenantArgs, tenantEnv } from '../helpers/tenant.js';
import { Ledger } from '../../src/ledger/ledger.js';
import { Stats } from '../../src/accounting/stats.js';
import { connect } from '../../src/run/connect.js';
import { runReconcile, reconcileExitCode } from '../../src/run/reconcile/reconcile.js';
import { scanOptionsFrom } from '../../src/run/scan/source-options.js';
import { mappingFingerprint } from '../../src/policy/policy-settings.js';
import { readImportSettings } from '../../src/commands/options.js';

const MAILBOX = 'ann@contoso.onmicrosoft.com';
/** Imported through the JSON path (--api v1.0): matched by our named fingerprint property. */
const JSON_MAILBOX = 'cy@contoso.onmicrosoft.com';

interface FolderRow {
  label: string;
  inExport: number;
  spam: number;
  duplicates: number;
  expected: number;
  importedPerLedger: number | null;
  present: number;
  totalItemCount: number | null;
  missing: number;
  unexpected: number;
  ledgerImportedButAbsent: number | null;
  importedButAltered: number | null;
}
interface ReconcileJson {
  complete: boolean;
  withLedger: boolean;
  totals: { expected: number; present: number; missing: number; unexpected: number; drafts: number; ledgerImportedButAbsent: number | null; importedButAltered: number | null };
  folders: FolderRow[];
  missing: Array<{ zip: string; entry: string; folder: string; subject: string; date: string; messageId: string; ledgerState: string }>;
  unexpected: Array<{ subject: string; folderPath: string; internetMessageId: string; id: string }>;
  drafts: Array<{ subject: string; id: string; matchedBy: string; source: { entry: string } }>;
  ledgerImportedButAbsent: Array<{ entry: string }> | null;
  warnings: string[];
}

let emulator: Emulator;
let work: string;
let zip: string;
let state: string;

/** The source messages, with the subject encoding as a parameter so a re-export can encode it otherwise. */
function entries(grusse: string, cafe: string): Array<{ name: string; content: string }> {
  return [
    { name: 'export-1/Inbox/1.eml', content: message({ subject: 'Hello', messageId: '<1@x>' }) },
    { name: 'export-1/Inbox/2.eml', content: message({ subject: 'Hello', messageId: '<1@x>' }) }, // duplicate
    { name: 'export-1/Inbox/3.eml', content: message({ subject: grusse, date: 'Tue, 5 Mar 2024 11:12:13 +0100', messageId: '<3@x>' }) },
    { name: 'export-1/Inbox/4.eml', content: message({ subject: 'Same time', messageId: '<4a@x>' }) },
    { name: 'export-1/Inbox/5.eml', content: message({ subject: 'Same time', messageId: '<4b@x>' }) }, // collision: both kept
    { name: 'export-1/Inbox/Projects/Q3 Planning/6.eml', content: message({ subject: 'Plan', date: 'Wed, 6 Mar 2024 09:00:00 +0000', messageId: '<6@x>' }) },
    { name: 'export-1/Sent Items/7.eml', content: message({ subject: cafe, date: 'Thu, 7 Mar 2024 08:30:00 -0500', messageId: '<7@x>' }) },
    // No Date header: the source dates it from Received, Exchange has no sentDateTime for it.
    { name: 'export-1/Inbox/11.eml', content: message({ subject: 'Relayed without Date', date: '', extraHeaders: ['Received: from relay.example.com by mx.example.com; Sat, 9 Mar 2024 10:00:00 +0000'] }) },
    { name: 'export-1/Drafts/8.eml', content: message({ subject: 'Unsent reply', date: 'Fri, 8 Mar 2024 16:00:00 +0000', messageId: '<8@x>' }) },
    { name: 'export-1/Junk E-mail/9.eml', content: message({ subject: 'Win', messageId: '<9@x>' }) },
    { name: 'export-1/Inbox/10.eml', content: message({ subject: 'Pills', messageId: '<10@x>', extraHeaders: ['X-Spam-Flag: YES'] }) },
  ];
}

const UTF8_GRUSSE = '=?UTF-8?B?R3LDvMOfZSBhdXMgTcO8bmNoZW4=?='; // Grüße aus München
const LATIN1_GRUSSE = '=?ISO-8859-1?Q?Gr=FC=DFe_aus_M=FCnchen?=';
const UTF8_CAFE = '=?UTF-8?Q?Caf=C3=A9_au_lait?=';
const CP1252_CAFE = '=?windows-1252?Q?Caf=E9_au?= =?windows-1252?Q?_lait?=';

async function reconcileCli(args: readonly string[], stateDir = state, zips: readonly string[] = [zip]): Promise<{ status: number; json: ReconcileJson; stderr: string }> {
  const run = await runCli(['reconcile', ...zips, ...tenantArgs(emulator, MAILBOX), '--state', stateDir, '--json', '--no-progress', ...args], tenantEnv(emulator));
  expect(run.stderr).not.toContain(emulator.clientSecret);
  let json: ReconcileJson;
  try {
    json = JSON.parse(run.stdout) as ReconcileJson;
  } catch {
    throw new Error(`reconcile printed no JSON (status ${run.status}): ${run.stderr}`);
  }
  return { status: run.status, json, stderr: run.stderr };
}

const byLabel = (json: ReconcileJson, label: string): FolderRow | undefined => json.folders.find((f) => f.label === label);

beforeAll(async () => {
  emulator = await startEmulator({ mailboxes: [MAILBOX, JSON_MAILBOX] });
  work = mkdtempSync(join(tmpdir(), 'eml-import-reconcile-'));
  zip = await writeZip(join(work, 'ann.zip'), entries(UTF8_GRUSSE, UTF8_CAFE));
  state = join(work, 'state');
  const imported = await runCli([zip, ...tenantArgs(emulator, MAILBOX), '--state', state, '--json', '--no-progress'], tenantEnv(emulator));
  if (imported.status !== 0) throw new Error(`import failed (${imported.status}): ${imported.stderr}`);
});

afterAll(async () => {
  await emulator?.close();
});

describe('reconcile against the Graph emulator', () => {
  it('reconciles a complete import clean, folder by folder, with the ledger', async () => {
    const { status, json } = await reconcileCli([]);
    expect(status).toBe(0);
    expect(json.complete).toBe(true);
    expect(json.withLedger).toBe(true);
    expect(json.totals).toMatchObject({ expected: 8, present: 8, missing: 0, unexpected: 0, drafts: 0, ledgerImportedButAbsent: 0 });
    expect(byLabel(json, 'drafts')).toMatchObject({ expected: 1, present: 1, totalItemCount: 1 });
    expect(byLabel(json, 'inbox')).toMatchObject({ inExport: 7, spam: 1, duplicates: 1, expected: 5, importedPerLedger: 5, present: 5, totalItemCount: 5, missing: 0, unexpected: 0 });
    expect(byLabel(json, 'inbox/Projects/Q3 Planning')).toMatchObject({ inExport: 1, expected: 1, present: 1, totalItemCount: 1 });
    expect(byLabel(json, 'sentitems')).toMatchObject({ inExport: 1, expected: 1, present: 1 });
    // The Junk folder is dropped as spam: it has a row, but nothing is expected in the destination.
    const junk = json.folders.find((f) => f.label.includes('Junk E-mail'));
    expect(junk).toMatchObject({ inExport: 1, spam: 1, expected: 0, present: 0, missing: 0 });
  });

  it('gives the same answer from a fresh machine without the ledger', async () => {
    const withLedger = (await reconcileCli([])).json;
    const fresh = await reconcileCli([], join(work, 'no-such-state'));
    expect(fresh.status).toBe(0);
    expect(fresh.json.withLedger).toBe(false);
    expect(fresh.json.totals).toEqual({ ...withLedger.totals, ledgerImportedButAbsent: null, importedButAltered: null });
    const strip = (rows: FolderRow[]): FolderRow[] => rows.map((r) => ({ ...r, importedPerLedger: null, ledgerImportedButAbsent: null, importedButAltered: null }));
    expect(fresh.json.folders).toEqual(strip(withLedger.folders));
  });

  it('still matches when the export encodes the subjects in other charsets', async () => {
    const reExported = await writeZip(join(work, 're-exported.zip'), entries(LATIN1_GRUSSE, CP1252_CAFE));
    const { status, json } = await reconcileCli([], join(work, 'no-such-state'), [reExported]);
    expect(status).toBe(0);
    expect(json.totals).toMatchObject({ expected: 8, present: 8, missing: 0, unexpected: 0 });
  });

  it('is read-only and keeps to the governor-paced reads: no create, change or delete reaches Graph', async () => {
    const before = emulator.inspect.requests().length;
    const options = readImportSettings([zip], { mailbox: MAILBOX });
    const stats = new Stats();
    const connection = await connect(
      readImportSettings([zip], { tenant: emulator.tenant, clientId: emulator.clientId, authorityHost: emulator.url, graphUrl: emulator.url }).destination,
      { stdout: { write: () => true }, stderr: { write: () => true }, env: tenantEnv(emulator) },
      stats,
    );
    const ledger = Ledger.open(join(state, 'state.db'));
    const lines: string[] = [];
    try {
      const report = await runReconcile({
        zips: [{ path: zip, mailbox: MAILBOX }],
        scanOptions: scanOptionsFrom(options.scan, { ...options.policy, into: 'Elsewhere' }),
        destinationFor: connection.destinationFor,
        ledger,
        mapping: mappingFingerprint({ ...options.policy, into: 'Elsewhere' }),
        stats,
        log: (line) => lines.push(line),
      });
      // Mapped elsewhere than the import did: the folders do not exist, so all is missing, and nothing was created.
      expect(report.totals).toMatchObject({ expected: 8, present: 0, missing: 8 });
      expect(report.ledgerImportedButAbsent).toHaveLength(8);
      expect(report.warnings.some((w) => w.includes('into'))).toBe(true);
      expect(reconcileExitCode(report)).toBe(1);
    } finally {
      ledger.close();
    }
    const requests = emulator.inspect.requests().slice(before);
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((r) => r.method !== 'GET' && !r.path.includes('/oauth2/')).map((r) => `${r.method} ${r.path}`)).toEqual([]);
    expect(emulator.inspect.folders(MAILBOX).children.some((f) => f.displayName === 'Elsewhere')).toBe(false);
    expect(stats.snapshot().mailboxes[MAILBOX]?.requests).toBeGreaterThan(0);
  });

  it('says in one sentence that an interrupted reconcile proves nothing, and reads no folder', async () => {
    const controller = new AbortController();
    controller.abort();
    const options = readImportSettings([zip], { mailbox: MAILBOX });
    const connection = await connect(
      readImportSettings([zip], { tenant: emulator.tenant, clientId: emulator.clientId, authorityHost: emulator.url, graphUrl: emulator.url }).destination,
      { stdout: { write: () => true }, stderr: { write: () => true }, env: tenantEnv(emulator) },
      new Stats(),
    );
    const before = emulator.inspect.requests().length;
    await expect(
      runReconcile({
        zips: [{ path: zip, mailbox: MAILBOX }],
        scanOptions: scanOptionsFrom(options.scan, options.policy),
        destinationFor: connection.destinationFor,
        mapping: mappingFingerprint(options.policy),
        log: () => {},
        signal: controller.signal,
      }),
    ).rejects.toMatchObject({ name: 'ClassifiedError', errorClass: 'fatal', message: expect.stringMatching(/^reconcile interrupted: nothing is proved/) });
    expect(emulator.inspect.requests().slice(before).filter((r) => r.path.includes('/mailFolders'))).toEqual([]);
  });

  it('lists a draft left in Drafts by an interrupted upload, without calling it unexpected', async () => {
    const planted = await emulator.addMessage(MAILBOX, 'Drafts', { subject: 'Plan', sentDateTime: '2024-03-06T09:00:00Z', internetMessageId: '<6@x>', isDraft: true, method: 'mimeDraft' });
    const { status, json } = await reconcileCli([]);
    expect(json.drafts.map((d) => [d.id, d.subject, d.matchedBy, d.source.entry])).toEqual([[planted.id, 'Plan', 'subject-date', 'export-1/Inbox/Projects/Q3 Planning/6.eml']]);
    // Drafts also holds the exported draft: that one is wanted, the left-over copy is neither wanted nor unexpected.
    expect(byLabel(json, 'drafts')).toMatchObject({ expected: 1, present: 1, totalItemCount: 2, unexpected: 0 });
    expect(json.totals).toMatchObject({ missing: 0, unexpected: 0, drafts: 1 });
    expect(status).toBe(0);
    emulator.deleteMessage(MAILBOX, planted.id);
  });

  it('names messages deleted from the destination as missing, with the ledger saying they were imported', async () => {
    const target = emulator.inspect.messages(MAILBOX).find((m) => m.subject === 'Plan');
    const grusse = emulator.inspect.messages(MAILBOX).find((m) => m.subject === 'Grüße aus München');
    expect(target && grusse).toBeTruthy();
    emulator.deleteMessage(MAILBOX, target!.id);
    emulator.deleteMessage(MAILBOX, grusse!.id);

    const report = join(work, 'report-missing');
    const { status, json, stderr } = await reconcileCli(['--report', report]);
    expect(status).toBe(1);
    expect(json.complete).toBe(false);
    expect(json.totals).toMatchObject({ expected: 8, present: 6, missing: 2, ledgerImportedButAbsent: 2 });
    expect(json.missing.map((m) => [m.zip, m.entry, m.folder, m.subject, m.date, m.messageId, m.ledgerState]).sort()).toEqual([
      ['ann.zip', 'export-1/Inbox/3.eml', 'Inbox', 'Grüße aus München', '2024-03-05T10:12:13.000Z', '<3@x>', 'imported'],
      ['ann.zip', 'export-1/Inbox/Projects/Q3 Planning/6.eml', 'Inbox/Projects/Q3 Planning', 'Plan', '2024-03-06T09:00:00.000Z', '<6@x>', 'imported'],
    ]);
    expect(byLabel(json, 'inbox/Projects/Q3 Planning')).toMatchObject({ expected: 1, present: 0, missing: 1, totalItemCount: 0, ledgerImportedButAbsent: 1 });
    expect(stderr).toContain('report written');

    const missingCsv = readFileSync(join(report, 'missing.csv'), 'utf8').split('\n');
    expect(missingCsv[0]).toBe('zip,entry,folder,subject,date,Message-ID,mailbox,target,ledgerState,ledgerDestinationId');
    expect(missingCsv).toContain(`ann.zip,export-1/Inbox/Projects/Q3 Planning/6.eml,Inbox/Projects/Q3 Planning,Plan,2024-03-06T09:00:00.000Z,<6@x>,${MAILBOX},inbox/Projects/Q3 Planning,imported,${target!.id}`);
    // Deleted, not altered: the recorded id is gone too.
    expect(json.totals).toMatchObject({ importedButAltered: 0 });
    const written = JSON.parse(readFileSync(join(report, 'reconcile.json'), 'utf8')) as ReconcileJson;
    expect(written.totals).toEqual(json.totals);
    const page = readFileSync(join(report, 'reconcile.html'), 'utf8');
    expect(page).toContain('class="mismatch"');
    expect(page).toContain('Grüße aus München');
    expect(readFileSync(join(report, 'combined.txt'), 'utf8')).toMatch(/^- .*Plan/m);

    // Without the ledger the same two are missing; nothing can be said about what was imported.
    const fresh = await reconcileCli([], join(work, 'no-such-state'));
    expect(fresh.status).toBe(1);
    expect(fresh.json.missing.map((m) => m.entry).sort()).toEqual(json.missing.map((m) => m.entry).sort());
    expect(fresh.json.ledgerImportedButAbsent).toBeNull();
  });

  it('shows messages that no export accounts for as unexpected, and escapes them in every output', async () => {
    const extra = await emulator.addMessage(MAILBOX, 'Inbox', { subject: '=HYPERLINK("http://evil")<script>alert(1)</script>', sentDateTime: '2025-01-01T00:00:00Z', internetMessageId: '<extra@elsewhere>' });
    const report = join(work, 'report-unexpected');
    mkdirSync(report, { recursive: true });
    const { json } = await reconcileCli(['--report', report]);
    expect(json.unexpected.map((u) => [u.id, u.folderPath, u.internetMessageId])).toEqual([[extra.id, 'Inbox', '<extra@elsewhere>']]);
    expect(byLabel(json, 'inbox')).toMatchObject({ unexpected: 1, totalItemCount: 5 });
    expect(json.totals.unexpected).toBe(1);

    const csv = readFileSync(join(report, 'unexpected.csv'), 'utf8');
    expect(csv.split('\n')[0]).toBe('folder,subject,sentDateTime,internetMessageId,destinationId,mailbox,target');
    expect(csv).toContain(`Inbox,"'=HYPERLINK(""http://evil"")<script>alert(1)</script>",2025-01-01T00:00:00Z,<extra@elsewhere>,${extra.id}`);
    const page = readFileSync(join(report, 'reconcile.html'), 'utf8');
    expect(page).not.toContain('<script>alert(1)');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('prints the terminal table with mismatches marked', async () => {
    const run = await runCli(['reconcile', zip, ...tenantArgs(emulator, MAILBOX), '--state', state, '--no-progress'], tenantEnv(emulator));
    expect(run.status).toBe(1);
    const planning = run.stdout.split('\n').find((l) => l.includes('Q3 Planning'));
    expect(planning).toMatch(/^\s*!\s+Inbox\/Projects\/Q3 Planning\s/);
    const sent = run.stdout.split('\n').find((l) => l.includes('Sent Items'));
    expect(sent).toBeDefined();
    expect(sent).not.toContain('!');
    expect(run.stdout).toMatch(/Missing from the destination \(in missing\.csv\): 2/);
    expect(run.stdout).toContain('Incomplete: 2 expected messages missing');
  });
});

describe('reconcile after a JSON-path import', () => {
  it('matches by the named fingerprint property and reconciles clean, with and without the ledger', async () => {
    const jsonState = join(work, 'json-state');
    const args = (stateDir: string): string[] => [zip, ...tenantArgs(emulator, JSON_MAILBOX), '--api', 'v1.0', '--state', stateDir, '--json', '--no-progress'];
    const imported = await runCli(args(jsonState), tenantEnv(emulator));
    expect(imported.status, imported.stderr).toBe(0);
    const stored = emulator.inspect.messages(JSON_MAILBOX);
    expect(stored.length).toBe(8);
    expect(stored.every((m) => m.method === 'json' && m.extendedProperties.some((p) => p.id.includes('EmlImportFingerprint')))).toBe(true);

    // A copy whose subject and date no longer say which message it is, but which carries our property:
    // only the property can match it, so this proves the listing reads it back.
    const plan = stored.find((m) => m.subject === 'Plan');
    expect(plan).toBeDefined();
    emulator.deleteMessage(JSON_MAILBOX, plan!.id);
    await emulator.addMessage(JSON_MAILBOX, 'Inbox/Projects/Q3 Planning', {
      subject: 'Renamed by someone',
      sentDateTime: '2030-01-01T00:00:00Z',
      method: 'json',
      extendedProperties: plan!.extendedProperties.filter((p) => p.id.includes('EmlImportFingerprint')),
    });

    for (const stateDir of [jsonState, join(work, 'json-elsewhere')]) {
      const run = await runCli(['reconcile', ...args(stateDir)], tenantEnv(emulator));
      expect(run.status, run.stderr).toBe(0);
      const json = JSON.parse(run.stdout) as ReconcileJson;
      expect(json.totals).toMatchObject({ expected: 8, present: 8, missing: 0, unexpected: 0, drafts: 0 });
    }
  });
});
