/**
 * What the summary, the JSON and the HTML say must be true: a mailbox the tenant does not have, and a
 * re-run that uploads nothing. The real CLI in-process against the HTTPS Graph emulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { message, writeZip } from '../helpers/make-zip.js';
import { runCli } from '../helpers/run-cli.js';
import { tenantArgs, tenantEnv } from '../helpers/tenant.js';

const ANN = 'ann@contoso.onmicrosoft.com';
const NOBODY = 'nobody@contoso.onmicrosoft.com';

let emulator: Emulator;
let work: string;
let ann: string;
let nobody: string;

beforeAll(async () => {
  emulator = await startEmulator({ mailboxes: [ANN] });
  work = mkdtempSync(join(tmpdir(), 'eml-import-truth-'));
  ann = await writeZip(join(work, 'ann.zip'), [
    { name: 'Inbox/1.eml', content: message({ subject: 'One', messageId: '<1@x>' }) },
    { name: 'Inbox/2.eml', content: message({ subject: 'Two', messageId: '<2@x>' }) },
    { name: 'Sent Items/3.eml', content: message({ subject: 'Three', messageId: '<3@x>' }) },
  ]);
  nobody = await writeZip(join(work, 'nobody.zip'), [
    { name: 'Inbox/a.eml', content: message({ subject: 'A', messageId: '<a@x>' }) },
    { name: 'Inbox/b.eml', content: message({ subject: 'B', messageId: '<b@x>' }) },
    { name: 'Inbox/c.eml', content: message({ subject: 'C', messageId: '<c@x>' }) },
    { name: 'Inbox/d.eml', content: message({ subject: 'D', messageId: '<d@x>' }) },
  ]);
});

afterAll(async () => {
  await emulator?.close();
});

const tenant = (): string[] => tenantArgs(emulator, ANN).slice(0, -2); // without --mailbox

/** The summary's verdict sentence; after an import the list of mailboxes and their next steps follows it. */
function verdictLine(stdout: string): string {
  return stdout.split('\n').findLast((l) => /^(Import|Dry run): /.test(l)) ?? '';
}

describe('a mailbox that does not exist in the tenant', () => {
  it('fails its messages for that reason, never "pending: run again", and the other mailbox is imported', async () => {
    const map = join(work, 'map.csv');
    writeFileSync(map, `zip,mailbox\nann.zip,${ANN}\nnobody.zip,${NOBODY}\n`);
    const report = join(work, 'missing-report');
    const run = await runCli([ann, nobody, ...tenant(), '--map', map, '--state', join(work, 'missing-state'), '--no-progress', '--report', report], tenantEnv(emulator));
    expect(run.status, run.stderr).toBe(2);
    const verdict = verdictLine(run.stdout);
    expect(verdict).toContain(`4 messages failed: mailbox ${NOBODY} does not exist in this tenant: check --mailbox or the map`);
    expect(verdict).not.toContain('pending');
    expect(run.stdout).toContain(`! nobody.zip: mailbox ${NOBODY} does not exist in this tenant: check --mailbox or the map`);
    // The mailbox that exists went ahead.
    expect(emulator.inspect.messages(ANN)).toHaveLength(3);

    const json = JSON.parse(readFileSync(join(report, 'report.json'), 'utf8')) as { totals: Record<string, number>; missingMailboxes: unknown[] };
    expect(json.totals).toMatchObject({ failed: 4, pending: 0, importedThisRun: 3 });
    expect(json.missingMailboxes).toEqual([{ mailbox: NOBODY, messages: 4, reason: `mailbox ${NOBODY} does not exist in this tenant: check --mailbox or the map` }]);
    const failed = readFileSync(join(report, 'failed.csv'), 'utf8');
    expect(failed.split('\n').filter((l) => l.includes('does not exist in this tenant'))).toHaveLength(4);
    expect(readFileSync(join(report, 'report.html'), 'utf8')).toContain(`mailbox ${NOBODY} does not exist in this tenant: check --mailbox or the map`);
  });

  it('in a dry run, says none of that mailbox would be imported, and why', async () => {
    const run = await runCli([nobody, ...tenantArgs(emulator, NOBODY), '--dry-run', '--no-progress'], tenantEnv(emulator));
    expect(run.status, run.stderr).toBe(2);
    expect(verdictLine(run.stdout)).toBe(
      `Dry run: 0 of 4 messages would be imported; 4 messages cannot be imported: mailbox ${NOBODY} does not exist in this tenant: check --mailbox or the map.`,
    );
  });
});

describe('a re-run that uploads nothing', () => {
  it('tells imported in this run, imported by an earlier run and found in the destination apart', async () => {
    const mailbox = 'ann@contoso.onmicrosoft.com';
    const fresh = await startEmulator({ mailboxes: [mailbox] });
    try {
      const args = [ann, ...tenantArgs(fresh, mailbox), '--no-progress'];
      const state = join(work, 'rerun-state');
      const first = await runCli([...args, '--state', state, '--json'], tenantEnv(fresh));
      expect(first.status, first.stderr).toBe(0);
      expect(JSON.parse(first.stdout).totals).toMatchObject({ imported: 3, importedThisRun: 3, importedEarlier: 0, alreadyPresent: 0 });
      // The per-folder lines name folders as the tables do, in the tables' order.
      const folderLines = first.stderr.split('\n').filter((l) => l.includes('to upload'));
      expect(folderLines).toEqual([`${mailbox}: Inbox: 0 already in the folder, 2 to upload`, `${mailbox}: Sent Items: 0 already in the folder, 1 to upload`]);

      const report = join(work, 'rerun-report');
      const second = await runCli([...args, '--state', state, '--report', report], tenantEnv(fresh));
      expect(second.status, second.stderr).toBe(0);
      expect(verdictLine(second.stdout)).toBe(
        'Import: 3 of 3 wanted messages in the mailbox (0 imported in this run, 3 imported by an earlier run, 0 already in the destination).',
      );
      const header = second.stdout.split('\n').find((l) => l.trim().startsWith('Folder'));
      const total = second.stdout.split('\n').find((l) => l.trim().startsWith('Total'));
      expect(header?.trim().split(/\s+/).slice(-4)).toEqual(['Imported', 'Earlier', 'Failed', 'Pending']);
      expect(total?.trim().split(/\s+/).slice(-4)).toEqual(['0', '3', '0', '0']);
      const json = JSON.parse(readFileSync(join(report, 'report.json'), 'utf8')) as { totals: Record<string, number> };
      expect(json.totals).toMatchObject({ imported: 3, importedThisRun: 0, importedEarlier: 3, alreadyPresent: 0 });
      expect(readFileSync(join(report, 'report.html'), 'utf8')).toMatch(/<div class="value">3<\/div><div class="label">Imported by an earlier run<\/div>/);

      // A new ledger finds all three in the destination: found there, not imported by anyone it knows of.
      const third = await runCli([...args, '--state', join(work, 'rerun-other-state'), '--json'], tenantEnv(fresh));
      expect(third.status, third.stderr).toBe(0);
      expect(JSON.parse(third.stdout).totals).toMatchObject({ imported: 0, importedThisRun: 0, importedEarlier: 0, alreadyPresent: 3 });
      expect(fresh.inspect.messages(mailbox)).toHaveLength(3);
    } finally {
      await fresh.close();
    }
  });
});

describe('a dry run', () => {
  it('says what happens to calendar items, undated messages, collisions and Deleted Items, and its JSON imports nothing', async () => {
    const zip = await writeZip(join(work, 'dry.zip'), [
      { name: 'Inbox/1.eml', content: message({ subject: 'Same', messageId: '<1a@x>' }) },
      { name: 'Inbox/2.eml', content: message({ subject: 'Same', messageId: '<1b@x>' }) }, // collision
      { name: 'Inbox/3.eml', content: message({ subject: 'No date', date: '', messageId: '<3@x>' }) },
      { name: 'Calendar/meeting.ics', content: 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:Standup\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' },
      { name: 'Deleted Items/4.eml', content: message({ subject: 'Old', messageId: '<4@x>' }) },
      { name: 'Deleted Items/5.eml', content: message({ subject: 'Older', messageId: '<5@x>' }) },
    ]);
    const run = await runCli([zip, '--dry-run', '--no-progress']);
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.split('\n');
    const notes = lines.slice(lines.indexOf('What the import will do') + 1, lines.indexOf('', lines.indexOf('What the import will do')));
    expect(notes).toEqual([
      '  1 calendar item will not be imported: eml-import moves mail only (listed in messages.csv with --report DIR).',
      '  1 message without a Date or Received header: imported unless spam and dated by Exchange on arrival; never dropped as duplicates, never moved by --archive-before.',
      '  1 collision: the same subject and date as another message in the folder but another Message-ID; both copies will be imported (listed in duplicates.csv with --report DIR).',
      "  2 messages in Deleted Items will be imported into Deleted Items; to leave them out, add --exclude-folder 'Deleted Items'.",
    ]);

    const json = JSON.parse((await runCli([zip, '--dry-run', '--no-progress', '--json'])).stdout) as { totals: Record<string, number> };
    expect(json.totals).not.toHaveProperty('pending');
    expect(json.totals['wouldImport']).toBe(5);

    // The exclusion it offers does what it says.
    const excluded = await runCli([zip, '--dry-run', '--no-progress', '--exclude-folder', 'Deleted Items']);
    expect(excluded.stdout).not.toContain('will be imported into Deleted Items');
    expect(verdictLine(excluded.stdout)).toContain('2 excluded');
  });

  it('takes an export log that counts an empty parent folder as agreeing with the zip', async () => {
    const log = JSON.stringify({ totalMessages: '2', totalBytes: '0', totalFolders: '3' });
    const first = message({ subject: 'A', messageId: '<a@x>' });
    const second = message({ subject: 'B', messageId: '<b@x>' });
    const zip = await writeZip(join(work, 'log.zip'), [
      { name: 'export-1/export-log.json', content: log.replace('"0"', `"${Buffer.byteLength(first) + Buffer.byteLength(second)}"`) },
      { name: 'export-1/Archive/2019/a.eml', content: first },
      { name: 'export-1/Inbox/b.eml', content: second },
    ]);
    const run = await runCli([zip, '--dry-run', '--no-progress', '--json']);
    expect(run.status, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as { zips: { exportLogMismatches: string[] }[] }).zips[0]?.exportLogMismatches).toEqual([]);
  });

  it('shows an export log that disagrees as a cross-check note, not as something that needs attention', async () => {
    const zip = await writeZip(join(work, 'odd-log.zip'), [
      { name: 'export-log.json', content: JSON.stringify({ totalFolders: '9' }) },
      { name: 'Inbox/a.eml', content: message({ subject: 'A', messageId: '<a@x>' }) },
    ]);
    const run = await runCli([zip, '--dry-run', '--no-progress']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).not.toContain('Needs attention');
    const lines = run.stdout.split('\n');
    const at = lines.indexOf('Export log cross-check');
    expect(lines[at + 1]).toBe('  odd-log.zip: export log export-log.json says totalFolders is 9; the zip names folders: 1');
  });

  it('stops with exit 2 before anything is written when an import is given a folder glob that matches no folder of its zips', async () => {
    const before = emulator.inspect.messages(ANN).length;
    const state = join(work, 'state-glob-typo');
    const args = [ann, ...tenantArgs(emulator, ANN), '--state', state, '--no-progress'];
    // A typo in --exclude-folder imported the folder it was to leave out; one in --include-folder left out the folder meant.
    for (const typo of [['--exclude-folder', 'Sent Itmes'], ['--include-folder', 'Inbxo/**']]) {
      const run = await runCli([...args, ...typo], tenantEnv(emulator));
      expect(run.status, run.stderr).toBe(2);
      expect(run.stderr).toContain(`${typo[0]} '${typo[1]}' matches no folder in the zips; folders there include`);
      expect(run.stderr).toContain('nothing was imported');
    }
    expect(emulator.inspect.messages(ANN)).toHaveLength(before);
    expect(existsSync(state)).toBe(false);
    // Spelled right, the same import goes ahead.
    const right = await runCli([...args, '--exclude-folder', 'Sent Items'], tenantEnv(emulator));
    expect(right.status, right.stderr).toBe(0);
    expect(emulator.inspect.messages(ANN).length).toBeGreaterThanOrEqual(before);
  });
});
