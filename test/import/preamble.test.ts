import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { message, writeZip } from '../helpers/make-zip.js';
import { runAgainst } from '../helpers/tenant.js';

const ANN = 'ann@contoso.onmicrosoft.com';

/**
 * Tools that write .eml files leave blank lines before the first header field, or an mbox separator escaped
 * as ">From ". Re-exporting cannot change those bytes: the message is read as if the preamble were absent,
 * and what goes to Graph starts at its first field (the emulator, as Exchange, refuses anything else).
 */
describe('a message with a preamble before its first header field', () => {
  let emulator: Emulator;
  let work: string;

  beforeAll(async () => {
    emulator = await startEmulator({ mailboxes: [ANN], latencyMs: { min: 1, max: 5 } });
    work = mkdtempSync(join(tmpdir(), 'eml-import-preamble-'));
  });
  afterAll(async () => {
    await emulator?.close();
  });

  it('is imported once, not as a draft, with its subject, and uploaded from its first field on', async () => {
    const bodies = {
      'Leading CRLF': message({ subject: 'Leading CRLF', messageId: '<crlf@example.com>' }),
      'Leading blank lines': message({ subject: 'Leading blank lines', messageId: '<blank@example.com>' }),
      'Escaped From line': message({ subject: 'Escaped From line', messageId: '<escaped@example.com>' }),
      'From line and blank line': message({ subject: 'From line and blank line', messageId: '<from@example.com>' }),
    };
    const zip = await writeZip(join(work, 'ann.zip'), [
      { name: 'export-1/Inbox/1.eml', content: `\r\n${bodies['Leading CRLF']}` },
      { name: 'export-1/Inbox/2.eml', content: `\uFEFF\n\n\r\n${bodies['Leading blank lines']}` },
      { name: 'export-1/Inbox/3.eml', content: `>From ann@example.com Mon Mar  4 10:00:00 2024\r\n${bodies['Escaped From line']}` },
      { name: 'export-1/Inbox/4.eml', content: `From ann@example.com Mon Mar  4 10:00:00 2024\n\n${bodies['From line and blank line']}` },
    ]);
    const { status, stdout, stderr } = await runAgainst(emulator, ANN, [zip, '--state', join(work, 'state')]);
    expect(status, stderr).toBe(0);
    expect(`${stdout}${stderr}`).not.toMatch(/unreadable|does not start with a header field|re-export/i);

    const landed = emulator.inspect.messages(ANN, 'Inbox');
    expect(landed.map((m) => m.subject).sort()).toEqual(Object.keys(bodies).sort());
    for (const m of landed) {
      expect(m.isDraft, m.subject).toBe(false);
      expect(m.mime?.toString('utf8'), m.subject).toBe(bodies[m.subject as keyof typeof bodies]);
    }
  });
});
