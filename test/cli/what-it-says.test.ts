import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { message, writeZip } from '../helpers/make-zip.js';

let work: string;
let zip: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'eml-import-says-'));
  zip = await writeZip(join(work, 'ann.zip'), [
    { name: 'Inbox/1.eml', content: message({ subject: 'one', messageId: '<1@x>' }) },
    { name: 'Inbox/Projects/2.eml', content: message({ subject: 'two', messageId: '<2@x>' }) },
    { name: 'Sent Items/3.eml', content: message({ subject: 'three', messageId: '<3@x>' }) },
  ]);
});

describe('what the command line says is true', () => {
  it('warns, per pattern, about a folder glob that matches no folder, and names folders that exist', async () => {
    const run = await runCli([zip, '--dry-run', '--no-progress', '--include-folder', 'Inbxo/**', '--include-folder', 'Sent Items', '--exclude-folder', 'Deleted Items']);
    expect(run.status, run.stderr).toBe(0);
    const warnings = run.stderr.split('\n').filter((l) => l.startsWith('warning:'));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/--include-folder 'Inbxo\/\*\*' matches no folder/);
    // The folder nearest to what was typed comes first.
    expect(warnings[0]).toMatch(/folders there include 'Inbox'/);
    expect(warnings[1]).toMatch(/--exclude-folder 'Deleted Items' matches no folder/);
    expect(run.stderr).not.toMatch(/'Sent Items' matches no folder/);
  });

  it('says nothing about globs that match: a folder matched through its parent counts', async () => {
    const run = await runCli([zip, '--dry-run', '--no-progress', '--include-folder', 'inbox', '--exclude-folder', '**/Projects']);
    expect(run.status).toBe(0);
    expect(run.stderr).not.toContain('warning:');
  });

  it('rejects a day that does not exist, and takes 29 February of a leap year', async () => {
    for (const day of ['2024-02-30', '2023-02-29', '2024-13-01', '2024-04-31']) {
      const run = await runCli([zip, '--dry-run', '--no-progress', '--archive-before', day]);
      expect(run.status, day).toBe(2);
      expect(run.stderr, day).toBe(`eml-import: error: --archive-before ${day}: there is no such day\n`);
    }
    const leap = await runCli([zip, '--dry-run', '--no-progress', '--archive-before', '2024-02-29']);
    expect(leap.status, leap.stderr).toBe(0);
  });

  it('names the header a --map has and the columns it needs, instead of blaming row 2', async () => {
    const map = join(work, 'wrong-header.csv');
    writeFileSync(map, `file,user\n${zip},ann@contoso.com\n`);
    const run = await runCli([zip, '--dry-run', '--no-progress', '--map', map]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`eml-import: error: --map ${map}: the first line names the columns 'file,user'; expected the columns zip,mailbox\n`);
    const empty = join(work, 'empty.csv');
    writeFileSync(empty, '');
    const none = await runCli([zip, '--dry-run', '--no-progress', '--map', empty]);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('zip,mailbox');
    const missing = await runCli([zip, '--dry-run', '--no-progress', '--map', join(work, 'no-map.csv')]);
    expect(missing.stderr).toBe(`eml-import: error: --map ${join(work, 'no-map.csv')}: no such file\n`);
  });
});
