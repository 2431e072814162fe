import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_MAIL_ROLES, type ClientRegistration } from '../emulator/options.js';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { message, writeZip } from '../helpers/make-zip.js';
import { runAgainst } from '../helpers/tenant.js';

const ANN = 'ann@contoso.onmicrosoft.com';

/**
 * What the pre-flight may conclude from a token: an access token is opaque to its client, and Exchange's
 * RBAC for Applications grants mailbox access that no Entra role in it shows. Found by a probe: a token
 * without a roles claim stopped the import and reconcile with exit 2 although Graph would have served
 * them, and reconcile, which only reads, demanded the import's write permissions.
 */
describe('permissions the token does not show', () => {
  let emulator: Emulator;
  let work: string;
  let zip: string;

  beforeAll(async () => {
    emulator = await startEmulator({ mailboxes: [ANN], latencyMs: { min: 1, max: 3 } });
    work = mkdtempSync(join(tmpdir(), 'eml-import-permissions-'));
    zip = await writeZip(join(work, 'ann.zip'), Array.from({ length: 3 }, (_, i) => ({ name: `export-1/Inbox/${i}.eml`, content: message({ subject: `Hello ${i}`, messageId: `<hello-${i}@x>` }) })));
  });
  afterAll(async () => {
    await emulator?.close();
  });

  const grant = (client: Omit<ClientRegistration, 'secret'>): void => emulator.configure({ clients: { [emulator.clientId]: { secret: emulator.clientSecret, ...client } } });

  it('imports when the roles are granted in Exchange and the token lists none', async () => {
    grant({ roles: ALL_MAIL_ROLES, rolesInExchange: true });
    const run1 = await runAgainst(emulator, ANN, [zip, '--state', join(work, 'state')]);
    expect(run1.status, run1.stderr).toBe(0);
    expect(emulator.inspect.messages(ANN)).toHaveLength(3);
  });

  it('still stops before anything when the app has no access at all, saying what Graph said', async () => {
    grant({ roles: [] });
    const refused = await runAgainst(emulator, ANN, [zip, '--state', join(work, 'state-none')]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/ErrorAccessDenied|Access is denied/);
    expect(emulator.inspect.messages(ANN)).toHaveLength(3);
  });

  it('reconciles with a read-only app, and names the read permission when even that is missing', async () => {
    grant({ roles: ['Mail.Read'] });
    expect(await runAgainst(emulator, ANN, ['reconcile', zip])).toMatchObject({ status: 0 });
    grant({ roles: ['Mail.ReadBasic.All'] });
    const basic = await runAgainst(emulator, ANN, ['reconcile', zip]);
    expect(basic.status).toBe(2);
    expect(basic.stderr).toContain('Mail.Read');
  });
});
