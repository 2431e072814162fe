import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { message, writeZip } from '../helpers/make-zip.js';
import { runCli } from '../helpers/run-cli.js';
import { tenantArgs, tenantEnv } from '../helpers/tenant.js';

const ANN = 'ann@contoso.onmicrosoft.com';

let emulator: Emulator;
let work: string;
let zip: string;

beforeAll(async () => {
  emulator = await startEmulator({ mailboxes: [ANN] });
  work = mkdtempSync(join(tmpdir(), 'eml-import-tenant-first-'));
  zip = await writeZip(
    join(work, 'ann.zip'),
    Array.from({ length: 20 }, (_, i) => ({ name: `Inbox/${i}.eml`, content: message({ subject: `tenant first ${i}`, messageId: `<tenant-first-${i}@x>` }) })),
  );
});

afterAll(async () => {
  await emulator?.close();
});

/** Message rows the ledger in `state` holds: what the scan wrote. */
function scannedRows(state: string): number {
  const path = join(state, 'state.db');
  if (!existsSync(path)) return 0;
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('the tenant is checked before the zips are read', () => {
  it('a wrong client secret stops the import with exit 2 before the scan', async () => {
    const state = join(work, 'state-secret');
    const run = await runCli([zip, ...tenantArgs(emulator, ANN), '--state', state, '--no-progress'], tenantEnv(emulator, { EML_IMPORT_CLIENT_SECRET: 'not-the-secret' }));
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/access token/);
    expect(scannedRows(state)).toBe(0);
    expect(emulator.inspect.messages(ANN)).toHaveLength(0);
  });

  it('a mailbox the tenant lacks stops only itself; the others are scanned and imported', async () => {
    const state = join(work, 'state-missing');
    const typo = join(work, 'typo.zip');
    await writeZip(typo, [{ name: 'Inbox/t.eml', content: message({ subject: 'to a typo', messageId: '<typo@x>' }) }]);
    const map = join(work, 'map.csv');
    writeFileSync(map, `zip,mailbox\n${zip},${ANN}\n${typo},anne@contoso.onmicrosoft.com\n`);
    const args = ['--tenant', emulator.tenant, '--client-id', emulator.clientId, '--authority-host', emulator.url, '--graph-url', emulator.url];
    const run = await runCli([zip, typo, '--map', map, ...args, '--state', state, '--no-progress'], tenantEnv(emulator));
    // A mailbox the tenant lacks is a mistake in the map: exit 2, as before, but only after the others are in.
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/Mailbox anne@contoso\.onmicrosoft\.com does not exist in this tenant/);
    expect(scannedRows(state)).toBe(21);
    expect(emulator.inspect.messages(ANN).filter((m) => m.subject.startsWith('tenant first'))).toHaveLength(20);
  });
});
