import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ledger } from '../../src/ledger/ledger.js';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { message, writeZip } from '../helpers/make-zip.js';
import { runAgainst } from '../helpers/tenant.js';

const ANN = 'ann@contoso.onmicrosoft.com';

/**
 * Graph refuses one folder past every retry (here: the folder is gone, 404, as when someone deletes it
 * during the run; the same path serves a 503 outage that outlasts the retries). Only that folder's
 * messages wait for the next run: the rest of the mailbox is imported, the run ends with its report, and
 * the error is one sentence, not a stack trace.
 */
describe('a folder Graph will not open', () => {
  let emulator: Emulator;
  let work: string;

  beforeAll(async () => {
    // The first look for a child folder is Inbox/Projects (Inbox itself is reached by its well-known name).
    emulator = await startEmulator({ mailboxes: [ANN], latencyMs: { min: 1, max: 5 }, faults: { schedule: [{ kind: '404-item-not-found', nth: 1, method: 'GET', path: /childFolders/ }] } });
    work = mkdtempSync(join(tmpdir(), 'eml-import-folder-unavailable-'));
  });
  afterAll(async () => {
    await emulator?.close();
  });


  it('leaves that folder for the next run and imports the rest, then the next run imports it once', async () => {
    const zip = await writeZip(join(work, 'ann.zip'), [
      ...Array.from({ length: 5 }, (_, i) => ({ name: `export-1/Inbox/${i}.eml`, content: message({ subject: `Inbox ${i}`, messageId: `<inbox-${i}@x>` }) })),
      ...Array.from({ length: 3 }, (_, i) => ({ name: `export-1/Inbox/Projects/${i}.eml`, content: message({ subject: `Project ${i}`, messageId: `<project-${i}@x>` }) })),
      ...Array.from({ length: 2 }, (_, i) => ({ name: `export-1/Sent Items/${i}.eml`, content: message({ subject: `Sent ${i}`, messageId: `<sent-${i}@x>` }) })),
    ]);

    const first = await runAgainst(emulator, ANN, [zip, '--state', join(work, 'state'), '--report', join(work, 'report-1')]);
    expect(first.status).toBe(1);
    expect(first.stderr).toContain('Projects');
    expect(first.stderr).toContain('ErrorItemNotFound');
    expect(first.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(join(work, 'report-1', 'report.json'))).toBe(true);
    expect(readFileSync(join(work, 'report-1', 'failed.csv'), 'utf8').split('\n').filter((line) => line.includes('Projects/'))).toHaveLength(3);
    const subjects = (): string[] => emulator.inspect.messages(ANN).map((m) => m.subject).sort();
    expect(subjects()).toEqual(['Inbox 0', 'Inbox 1', 'Inbox 2', 'Inbox 3', 'Inbox 4', 'Sent 0', 'Sent 1']);
    const ledger = Ledger.open(join(work, 'state', 'state.db'));
    try {
      const states = ledger.messagesOf(ANN).filter((r) => r.entry.includes('/Projects/')).map((r) => r.state);
      expect(states).toEqual(['failed', 'failed', 'failed']);
    } finally {
      ledger.close();
    }

    const second = await runAgainst(emulator, ANN, [zip, '--state', join(work, 'state'), '--report', join(work, 'report-2')]);
    expect(second.status).toBe(0);
    expect(subjects()).toEqual(['Inbox 0', 'Inbox 1', 'Inbox 2', 'Inbox 3', 'Inbox 4', 'Project 0', 'Project 1', 'Project 2', 'Sent 0', 'Sent 1']);
    expect(emulator.inspect.messages(ANN).every((m) => !m.isDraft)).toBe(true);
  });
});
