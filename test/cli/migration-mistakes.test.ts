/**
 * Mistakes of a migration night (probe/PROBE-REPORT.md): each one is exit 2 with one sentence, and no
 * mailbox gets mail that was not meant for it, nor is said to hold mail it does not hold.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { runCli } from '../helpers/run-cli.js';
import { message, writeZip } from '../helpers/make-zip.js';
import { tenantArgs, tenantEnv } from '../helpers/tenant.js';

const ANN = 'ann@contoso.onmicrosoft.com';
const BOB = 'bob@contoso.onmicrosoft.com';
const CAROL = 'carol@contoso.onmicrosoft.com';
const DAVE = 'dave@contoso.onmicrosoft.com';
const ERIN = 'erin@contoso.onmicrosoft.com';

let emulator: Emulator;
let work: string;

beforeAll(async () => {
  emulator = await startEmulator({ mailboxes: [ANN, BOB, CAROL, DAVE, ERIN] });
  work = mkdtempSync(join(tmpdir(), 'eml-import-mistakes-'));
});

afterAll(async () => {
  await emulator?.close();
});

async function zipOf(name: string, subject: string): Promise<string> {
  return writeZip(join(work, name), [{ name: 'Inbox/1.eml', content: message({ subject, messageId: `<${subject}@x>` }) }]);
}

function oneSentence(stderr: string): void {
  expect(stderr).toMatch(/^eml-import: error: /);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('migration-night mistakes', () => {
  it('a re-run that sends an imported zip to another mailbox stops, instead of reporting it as already there', async () => {
    const zip = await zipOf('ann-export.zip', 'for ann');
    const state = join(work, 'state-rerun');
    const first = await runCli([zip, ...tenantArgs(emulator, ANN), '--state', state, '--no-progress'], tenantEnv(emulator));
    expect(first.status, first.stderr).toBe(0);
    const second = await runCli([zip, ...tenantArgs(emulator, CAROL), '--state', state, '--no-progress'], tenantEnv(emulator));
    expect(second.status, second.stdout).toBe(2);
    oneSentence(second.stderr);
    expect(second.stderr).toContain(`put 1 of its messages into ${ANN}, and this command sends it to ${CAROL}`);
    expect(emulator.inspect.messages(CAROL)).toEqual([]);
  });

  it('a re-run that sends a moved zip to another mailbox stops too: the export is known by its content', async () => {
    const zip = await zipOf('erin-export.zip', 'for erin');
    const state = join(work, 'state-moved');
    const first = await runCli([zip, ...tenantArgs(emulator, ERIN), '--state', state, '--no-progress'], tenantEnv(emulator));
    expect(first.status, first.stderr).toBe(0);
    mkdirSync(join(work, 'moved'));
    const moved = join(work, 'moved', 'erin-renamed.zip');
    renameSync(zip, moved);
    const second = await runCli([moved, ...tenantArgs(emulator, CAROL), '--state', state, '--no-progress'], tenantEnv(emulator));
    expect(second.status, second.stdout).toBe(2);
    oneSentence(second.stderr);
    expect(second.stderr).toContain(`(read before at ${zip}): an earlier run with --state ${state} put 1 of its messages into ${ERIN}, and this command sends it to ${CAROL}`);
    expect(emulator.inspect.messages(CAROL)).toEqual([]);
    // Moved and sent to the same mailbox: resumed, nothing to send.
    const third = await runCli([moved, ...tenantArgs(emulator, ERIN), '--state', state, '--no-progress'], tenantEnv(emulator));
    expect(third.status, third.stderr).toBe(0);
    expect(emulator.inspect.messages(ERIN)).toHaveLength(1);
  });

  it('refuses one export (a hard link here) that the map sends to two mailboxes, before any request', async () => {
    const zip = await zipOf('bob-export.zip', 'for bob');
    linkSync(zip, join(work, 'bob-copy.zip'));
    const map = join(work, 'two.csv');
    writeFileSync(map, `zip,mailbox\nbob-export.zip,${BOB}\nbob-copy.zip,${DAVE}\n`);
    const before = emulator.inspect.requests().length;
    const args = tenantArgs(emulator, BOB).filter((a, i, all) => a !== '--mailbox' && all[i - 1] !== '--mailbox');
    const run = await runCli([zip, join(work, 'bob-copy.zip'), ...args, '--map', map, '--state', join(work, 'state-copy'), '--no-progress'], tenantEnv(emulator));
    expect(run.status, run.stdout).toBe(2);
    oneSentence(run.stderr);
    expect(run.stderr).toContain('are the same export');
    expect(emulator.inspect.requests().length).toBe(before);
    expect(emulator.inspect.messages(BOB)).toEqual([]);
    expect(emulator.inspect.messages(DAVE)).toEqual([]);
  });

  it('says a malformed map in one sentence naming --map, refuses a column given twice, and numbers rows by their line', async () => {
    const zip = await zipOf('erin-export.zip', 'for erin');
    const cases: Array<[string, RegExp]> = [
      [`zip,mailbox\nerin-export.zip;${ERIN}\n`, /^eml-import: error: --map .*: not a CSV of the columns zip,mailbox: .*line 2/],
      [`zip,mailbox\n"erin-export.zip,${ERIN}\n`, /^eml-import: error: --map .*: not a CSV of the columns zip,mailbox: Quote Not Closed/],
      [`zip,mailbox,mailbox\nerin-export.zip,${ERIN},${BOB}\n`, /the column 'mailbox' more than once/],
      [`zip,mailbox\n\nerin-export.zip,${ERIN}\nother.zip,\n`, /row 4 needs both a zip and a mailbox/],
    ];
    for (const [text, expected] of cases) {
      const map = join(work, 'bad.csv');
      writeFileSync(map, text);
      const state = join(work, 'state-bad-map');
      const run = await runCli(['--dry-run', zip, '--map', map, '--state', state, '--no-progress']);
      expect(run.status, text).toBe(2);
      oneSentence(run.stderr);
      expect(run.stderr, text).toMatch(expected);
    }
  });

  it('a wrong secret leaves no report, says it once, and does not bind the ledger to the options', async () => {
    const zip = await zipOf('dave-export.zip', 'for dave');
    const state = join(work, 'state-secret');
    const report = join(work, 'report-secret');
    const run = await runCli([zip, ...tenantArgs(emulator, DAVE), '--state', state, '--report', report, '--no-progress'], tenantEnv(emulator, { EML_IMPORT_CLIENT_SECRET: 'wrong' }));
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(report, 'report.json'))).toBe(false);
    const again = await runCli([zip, ...tenantArgs(emulator, DAVE), '--state', state, '--report', report, '--into', 'WorkMail', '--no-progress'], tenantEnv(emulator));
    expect(again.status, again.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(report, 'report.json'), 'utf8')).totals.importedThisRun).toBe(1);
  });

  it('never repeats a secret given on the command line, and checks --mailbox as a map row is checked', async () => {
    const zip = await zipOf('x.zip', 'x');
    const secret = await runCli([zip, ...tenantArgs(emulator, ANN), '--client-secret=Sup3rS3cretValue'], tenantEnv(emulator));
    expect(secret.status).toBe(2);
    expect(secret.stderr).not.toContain('Sup3rS3cretValue');
    const token = await runCli([zip, ...tenantArgs(emulator, ANN), '--access-token-env', 'eyJhbGciOi.JWTBODY.sig']);
    expect(token.status).toBe(2);
    expect(token.stderr).not.toContain('JWTBODY');
    const state = join(work, 'state-mailbox');
    const mailbox = await runCli([zip, ...tenantArgs(emulator, 'ann'), '--state', state, '--no-progress'], tenantEnv(emulator));
    expect(mailbox.status).toBe(2);
    expect(mailbox.stderr).toContain("--mailbox 'ann' does not look like a mailbox");
    expect(existsSync(state)).toBe(false);
  });
});
