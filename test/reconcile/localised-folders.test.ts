import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { message, writeZip } from '../helpers/make-zip.js';
import { runAgainst } from '../helpers/tenant.js';

const ANN = 'ann@contoso.onmicrosoft.com';

/**
 * A German-locale mailbox names its Drafts folder "Entwürfe", and a source folder of that name is found
 * at the root as Drafts itself. Reconcile knew the Drafts bucket only by the source's name "Drafts" and
 * called the wanted message there a leftover of an interrupted upload, inviting the admin to delete the
 * only copy (found by a probe against a Graph whose folders are not named in English).
 */
describe('reconcile in a mailbox whose folders are named in German', () => {
  let emulator: Emulator;
  let work: string;

  beforeAll(async () => {
    emulator = await startEmulator({ mailboxes: [ANN], latencyMs: { min: 1, max: 3 }, quirks: { folderLanguage: 'de' } });
    work = mkdtempSync(join(tmpdir(), 'eml-import-german-'));
  });
  afterAll(async () => {
    await emulator?.close();
  });


  it('does not call a message imported into the Drafts folder a leftover draft', async () => {
    const zip = await writeZip(join(work, 'ann.zip'), [
      { name: 'export-1/Inbox/1.eml', content: message({ subject: 'Hallo', messageId: '<hallo-1@x>' }) },
      { name: 'export-1/Entwürfe/1.eml', content: message({ subject: 'Angebot, noch nicht verschickt', messageId: '<entwurf-1@x>' }) },
    ]);
    expect(await runAgainst(emulator, ANN, [zip, '--state', join(work, 'state')])).toMatchObject({ status: 0 });
    const drafts = emulator.inspect.messages(ANN).filter((m) => m.subject.startsWith('Angebot'));
    expect(drafts).toHaveLength(1);
    const reconcile = await runAgainst(emulator, ANN, ['reconcile', zip]);
    expect(reconcile.status).toBe(0);
    expect(reconcile.stdout + reconcile.stderr).not.toContain('Left behind in Drafts');
  });
});
