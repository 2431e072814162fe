/**
 * The ledger stops taking writes in the middle of the uploads (its disk failed; here it is closed under
 * the run, which makes every later write fail the same way, without needing a disk to fill: see
 * test/cli/full-disk.test.ts for that). The import must stop sending and fail with that error, from the
 * call the caller awaits: never as an unhandled rejection, which took the whole process down mid-upload.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { message, writeZip } from '../helpers/make-zip.js';
import { tenantEnv } from '../helpers/tenant.js';
import { Ledger } from '../../src/ledger/ledger.js';
import { Stats } from '../../src/accounting/stats.js';
import { connect } from '../../src/run/connect.js';
import { scanOptionsFrom } from '../../src/run/scan/source-options.js';
import { checkTenant } from '../../src/run/import/import-mailboxes.js';
import { importAsScanned } from '../../src/run/import/import-as-scanned.js';
import { importOptionsFrom } from '../../src/run/import/import-options.js';
import { readImportSettings } from '../../src/commands/options.js';

const MAILBOX = 'ann@contoso.onmicrosoft.com';
const MESSAGES = 60;
let emulator: Emulator;
let work: string;

beforeAll(async () => {
  emulator = await startEmulator({ mailboxes: [MAILBOX], latencyMs: { min: 10, max: 30 } });
  work = mkdtempSync(join(tmpdir(), 'eml-import-ledger-fails-'));
});

afterAll(async () => {
  await emulator?.close();
});

describe('a ledger that fails during the uploads', () => {
  it('stops the uploads and rejects the import with the ledger error', async () => {
    const zip = await writeZip(
      join(work, 'a.zip'),
      Array.from({ length: MESSAGES }, (_, i) => ({ name: `Inbox/${i}.eml`, content: message({ subject: `ledger fails ${i}`, messageId: `<${i}@ledger-fails>` }) })),
    );
    const settings = readImportSettings([zip], { tenant: emulator.tenant, clientId: emulator.clientId, authorityHost: emulator.url, graphUrl: emulator.url, mailbox: MAILBOX, landingWindow: '1' });
    const stats = new Stats();
    const ledger = Ledger.open(join(work, 'state', 'state.db'));
    const connection = await connect(settings.destination, { stdout: { write: () => true }, stderr: { write: () => true }, env: tenantEnv(emulator) }, stats);
    const checks = await checkTenant(connection, [MAILBOX], () => {});

    let landedAtClose = -1;
    const watch = setInterval(() => {
      if (landedAtClose === -1 && emulator.inspect.messages(MAILBOX).length >= 10) {
        landedAtClose = emulator.inspect.messages(MAILBOX).length;
        ledger.close();
      }
    }, 2);
    try {
      const scan = scanOptionsFrom(settings.scan, settings.policy);
      await expect(importAsScanned([{ path: zip, mailbox: MAILBOX }], ledger, stats, connection, checks, scan, importOptionsFrom(settings.destination, settings.run), () => {})).rejects.toThrow(/database connection is not open/);
    } finally {
      clearInterval(watch);
    }
    expect(landedAtClose).toBeGreaterThanOrEqual(10);
    // What was in flight when the ledger failed may still land; nothing is sent after.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const landed = emulator.inspect.messages(MAILBOX).length;
    expect(landed).toBeLessThan(MESSAGES);
    expect(landed - landedAtClose).toBeLessThanOrEqual(8);
  });
});
