import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { message, writeZip } from '../helpers/make-zip.js';
import { runAgainst } from '../helpers/tenant.js';

const ANN = 'ann@contoso.onmicrosoft.com';

/**
 * A subject with an encoded word in a charset eml-import does not know is kept as written; the emulator,
 * as a server may (RFC 2047 6.2), decodes it. When the answer to its create is lost, the look for what
 * landed must still recognise the copy by its Message-ID: it was sent again, and again, before.
 */
describe('an unanswered create of a message whose subject the server decoded its own way', () => {
  let emulator: Emulator;
  let work: string;

  beforeAll(async () => {
    // Every create is committed and then answered 504.
    emulator = await startEmulator({ mailboxes: [ANN], latencyMs: { min: 1, max: 5 }, faults: { rates: { '504-after-commit': 1 } } });
    work = mkdtempSync(join(tmpdir(), 'eml-import-undecoded-'));
  });
  afterAll(async () => {
    await emulator?.close();
  });

  it('is found after the landing window and not sent again', async () => {
    const zip = await writeZip(join(work, 'ann.zip'), [
      { name: 'export-1/Inbox/1.eml', content: message({ subject: '=?x-unknown-charset?Q?Hello?= world and Test', messageId: '<undecoded-1@example.com>' }) },
      { name: 'export-1/Inbox/2.eml', content: message({ subject: 'Plain neighbour', messageId: '<plain-2@example.com>' }) },
    ]);
    const { status, stderr } = await runAgainst(emulator, ANN, [zip, '--state', join(work, 'state'), '--landing-window', '1']);
    const subjects = emulator.inspect.messages(ANN).map((m) => m.subject).sort();
    expect({ status, subjects }).toEqual({ status: 0, subjects: ['Hello world and Test', 'Plain neighbour'] });
    expect(stderr).not.toContain('not found in the destination');
  });
});
