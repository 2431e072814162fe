/**
 * One mailbox written two ways in the map (WorkMail's primary address as `export` writes it, and the same
 * address typed in lower case for a second export): Exchange sees one mailbox, and so must the import.
 * The second export holds the first one's messages again, as a re-run export does: each lands once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { message, writeZip } from '../helpers/make-zip.js';
import { runCli } from '../helpers/run-cli.js';
import { tenantEnv } from '../helpers/tenant.js';
import { Ledger } from '../../src/ledger/ledger.js';
import { readImportSettings } from '../../src/commands/options.js';

const ANN = 'ann.smith@contoso.onmicrosoft.com';
let emulator: Emulator;
let work: string;

beforeAll(async () => {
  emulator = await startEmulator({ mailboxes: [ANN], latencyMs: { min: 5, max: 20 } });
  work = mkdtempSync(join(tmpdir(), 'eml-import-mailbox-case-'));
});

afterAll(async () => {
  await emulator?.close();
});

const mail = (i: number) => ({ name: `Inbox/${i}.eml`, content: message({ subject: `case ${i}`, messageId: `<case-${i}@x>`, date: `Tue, 5 Mar 2024 10:${String(i).padStart(2, '0')}:00 +0000` }) });

describe('a mailbox named in two spellings', () => {
  it('is one mailbox: one scope for duplicates, one entry in the report, every message once', async () => {
    const first = await writeZip(join(work, 'first.zip'), Array.from({ length: 20 }, (_, i) => mail(i)));
    const again = await writeZip(join(work, 'again.zip'), Array.from({ length: 24 }, (_, i) => mail(i)));
    const map = join(work, 'map.csv');
    writeFileSync(map, `zip,mailbox\n${first},Ann.Smith@Contoso.onmicrosoft.com\n${again},ann.smith@contoso.onmicrosoft.com\n`);
    const state = join(work, 'state');
    const tenant = ['--tenant', emulator.tenant, '--client-id', emulator.clientId, '--authority-host', emulator.url, '--graph-url', emulator.url];
    const run = await runCli([first, again, '--map', map, ...tenant, '--state', state, '--no-progress', '--json'], tenantEnv(emulator));
    expect(run.status, run.stderr).toBe(0);
    const subjects = emulator.inspect.messages(ANN).map((m) => m.subject).sort();
    expect(subjects).toEqual(Array.from({ length: 24 }, (_, i) => `case ${i}`).sort());
    const db = new Database(join(state, 'state.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT DISTINCT mailbox FROM zips').all()).toEqual([{ mailbox: ANN }]);
      expect((db.prepare(`SELECT COUNT(*) AS n FROM messages WHERE verdict = 'duplicate'`).get() as { n: number }).n).toBe(20);
    } finally {
      db.close();
    }
  });

  it('--mailbox is taken in the same spelling, and a ledger of an older run is respelt when opened', () => {
    expect(readImportSettings(['a.zip'], { mailbox: ' Ann.Smith@Contoso.onmicrosoft.com' }).run.mailbox).toBe(ANN);
    const path = join(work, 'older', 'state.db');
    const older = Ledger.open(path);
    older.upsertZip({ path: '/x/a.zip', name: 'a.zip', mailbox: 'Ann.Smith@Contoso.onmicrosoft.com', size: 1 });
    older.upsertZip({ path: '/x/b.zip', name: 'b.zip', mailbox: null, size: 1 });
    older.close();
    const reopened = Ledger.open(path);
    try {
      expect(reopened.zips().map((z) => z.mailbox)).toEqual([ANN, null]);
    } finally {
      reopened.close();
    }
  });
});
