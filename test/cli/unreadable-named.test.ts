/**
 * Every entry that cannot be imported is named on the terminal with its zip, not only those whose bytes
 * could not be had: an empty entry, or a file that is no message, was only counted ("5 entries
 * unreadable") and named nowhere but messages.csv (found by a probe).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { message, writeZip } from '../helpers/make-zip.js';
import { runCli } from '../helpers/run-cli.js';

describe('a dry run over entries that are not messages', () => {
  it('names each of them, with its zip, on stderr', async () => {
    const work = mkdtempSync(join(tmpdir(), 'eml-import-unreadable-'));
    const zip = await writeZip(join(work, 'ann.zip'), [
      { name: 'export-1/Inbox/1.eml', content: message({ subject: 'Fine', messageId: '<fine@x>' }) },
      { name: 'export-1/Inbox/empty.eml', content: '' },
      { name: 'export-1/Inbox/binary.eml', content: '\u0000\u0001\u0002PK not a message at all' },
    ]);
    const run = await runCli([zip, '--dry-run', '--no-progress']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('ann.zip: export-1/Inbox/empty.eml');
    expect(run.stderr).toContain('ann.zip: export-1/Inbox/binary.eml');
    expect(run.stderr).not.toContain('Inbox/1.eml');
  });
});
