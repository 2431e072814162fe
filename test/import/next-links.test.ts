import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { message, writeZip } from '../helpers/make-zip.js';
import { runAgainst } from '../helpers/tenant.js';

const ANN = 'ann@contoso.onmicrosoft.com';

/**
 * A Graph server that pages as OData allows but Graph does not do: pages shorter than `$top`, a relative
 * `@odata.nextLink`, and `null` for it on the last page. Both broke every listing (a crash; a request for
 * /v1.0/v1.0/…), found by a probe against a server that is not our emulator.
 */
describe('a server that writes its next links relative, and null on the last page', () => {
  let emulator: Emulator;
  let work: string;

  beforeAll(async () => {
    emulator = await startEmulator({ mailboxes: [ANN], latencyMs: { min: 1, max: 3 }, quirks: { pageSize: 3, nullNextLink: true, relativeNextLinks: true } });
    work = mkdtempSync(join(tmpdir(), 'eml-import-next-links-'));
  });
  afterAll(async () => {
    await emulator?.close();
  });


  it('lists every page: the import, its re-run and reconcile agree on every message, once', async () => {
    const zip = await writeZip(join(work, 'ann.zip'), [
      ...Array.from({ length: 10 }, (_, i) => ({ name: `export-1/Inbox/${i}.eml`, content: message({ subject: `Inbox ${i}`, messageId: `<inbox-${i}@x>` }) })),
      ...Array.from({ length: 4 }, (_, i) => ({ name: `export-1/Inbox/Sub ${i}/m.eml`, content: message({ subject: `Sub ${i}`, messageId: `<sub-${i}@x>` }) })),
    ]);
    const state = ['--state', join(work, 'state')];
    expect(await runAgainst(emulator, ANN, [zip, ...state])).toMatchObject({ status: 0 });
    expect(emulator.inspect.messages(ANN)).toHaveLength(14);
    // From an empty state folder: what is already there is known only from the folders' listings.
    const again = await runAgainst(emulator, ANN, [zip, '--state', join(work, 'state-2')]);
    expect(again.status).toBe(0);
    expect(emulator.inspect.messages(ANN)).toHaveLength(14);
    const reconcile = await runAgainst(emulator, ANN, ['reconcile', zip]);
    expect(reconcile).toMatchObject({ status: 0 });
  });
});
