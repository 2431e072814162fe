/**
 * The installed command itself (src/cli.ts, the process's own streams) where in-process tests cannot go:
 * stdin that is not a terminal, as under cron, CI or nohup.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { message, writeZip } from '../helpers/make-zip.js';

const root = resolve(import.meta.dirname, '..', '..');

describe('eml-import as a process', () => {
  it('with no client secret and no terminal, says so in one sentence and exits 2 before anything is written', async () => {
    const work = mkdtempSync(join(tmpdir(), 'eml-import-bin-'));
    const zip = await writeZip(join(work, 'a.zip'), [{ name: 'Inbox/1.eml', content: message({ subject: 'x', messageId: '<x@x>' }) }]);
    const state = join(work, 'state');
    const env = { ...process.env };
    delete env['EML_IMPORT_CLIENT_SECRET'];
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(root, 'src', 'cli.ts'), zip, '--tenant', 'contoso.onmicrosoft.com', '--client-id', '00000000-0000-0000-0000-000000000000', '--mailbox', 'ann@contoso.com', '--state', state, '--no-progress'],
      { cwd: root, env, input: '', encoding: 'utf8', timeout: 60_000 },
    );
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual(['eml-import: error: no client secret and no terminal to ask for it: set EML_IMPORT_CLIENT_SECRET, or use --certificate or --access-token-env']);
    expect(existsSync(state)).toBe(false);
  });
});
