import { beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { message, writeZip } from '../helpers/make-zip.js';
import { runCli } from '../helpers/run-cli.js';
import { emptyCounts } from '../../src/reports/model.js';

let work: string;
let map: string;
const zips: string[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'eml-import-merge-'));
  // Two zips share the file name export.zip: the estate report must still tell them apart.
  for (const [dir, count, spam] of [['ann', 12, 2], ['bob', 6, 1], ['cy', 4, 0]] as const) {
    mkdirSync(join(work, dir));
    const name = dir === 'cy' ? 'cy.zip' : 'export.zip';
    zips.push(
      await writeZip(join(work, dir, name), [
        ...Array.from({ length: count }, (_, i) => ({ name: `Inbox/${i}.eml`, content: message({ subject: `=${dir} ${i}`, messageId: `<${dir}${i}@x>` }) })),
        // A duplicate of message 0 and spam, so duplicates.csv and spam.csv have rows.
        { name: 'Inbox/copy.eml', content: message({ subject: `=${dir} 0`, messageId: `<${dir}0@x>` }) },
        ...Array.from({ length: spam }, (_, i) => ({ name: `Inbox/spam${i}.eml`, content: message({ subject: `spam ${i}`, extraHeaders: ['X-Spam-Flag: YES'] }) })),
      ]),
    );
  }
  map = join(work, 'map.csv');
  writeFileSync(map, `zip,mailbox\n${zips[0]},ann@contoso.com\n${zips[1]},bob@contoso.com\n${zips[2]},cy@contoso.com\n`);
});

const csvRows = (file: string): Array<Record<string, string>> => parse(readFileSync(file, 'utf8'), { columns: true }) as Array<Record<string, string>>;

describe('eml-import report merge', () => {
  it('gives the same estate report from shard reports as one run over everything', async () => {
    const whole = join(work, 'whole');
    expect((await runCli([...zips, '--dry-run', '--map', map, '--report', whole, '--no-progress'])).status).toBe(0);
    const shardDirs = [1, 2].map((i) => join(work, `shard-${i}`));
    for (const [i, dir] of shardDirs.entries()) {
      const run = await runCli([...zips, '--dry-run', '--map', map, '--shard', `${i + 1}/2`, '--report', dir, '--no-progress']);
      expect(run.status, run.stderr).toBe(0);
    }
    const out = join(work, 'estate');
    const merged = await runCli(['report', 'merge', ...shardDirs, '--out', out, '--json']);
    expect(merged.status, merged.stderr).toBe(0);

    const wholeJson = JSON.parse(readFileSync(join(whole, 'report.json'), 'utf8')) as Record<string, unknown>;
    const mergedJson = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Record<string, unknown>;
    expect(JSON.parse(merged.stdout)).toEqual(mergedJson);
    for (const key of ['totals', 'spamByRule', 'messagesPerYear', 'methods', 'mode']) expect(mergedJson[key], key).toEqual(wholeJson[key]);
    const sortBy = (list: unknown) => [...(list as Array<{ zip: string; folder?: string }>)].sort((a, b) => `${a.zip}/${a.folder}`.localeCompare(`${b.zip}/${b.folder}`));
    expect(sortBy(mergedJson['folders'])).toEqual(sortBy(wholeJson['folders']));
    expect((mergedJson['zips'] as Array<{ zip: string }>).map((z) => z.zip).sort()).toEqual(['ann/export.zip', 'bob/export.zip', 'cy.zip']);

    for (const csv of ['messages.csv', 'spam.csv', 'duplicates.csv']) {
      const key = (r: Record<string, string>) => JSON.stringify(r);
      expect(csvRows(join(out, csv)).map(key).sort(), csv).toEqual(csvRows(join(whole, csv)).map(key).sort());
    }
    expect(csvRows(join(out, 'duplicates.csv'))).toHaveLength(3);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('bob/export.zip');
  });

  it('refuses overlapping shards, a folder without report.json and mixed modes, with exit 2', async () => {
    const a = join(work, 'shard-1');
    expect((await runCli(['report', 'merge', a, a, '--out', join(work, 'x')])).stderr).toContain('is in two shard reports');
    const empty = join(work, 'empty');
    mkdirSync(empty, { recursive: true });
    const missing = await runCli(['report', 'merge', a, empty, '--out', join(work, 'y')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('no report.json');
    const fake = join(work, 'fake');
    mkdirSync(fake, { recursive: true });
    // An import's report.json of nothing: its counts under the import's names.
    const importTotals = Object.fromEntries(Object.keys(emptyCounts()).map((k) => [k, 0]));
    writeFileSync(join(fake, 'report.json'), JSON.stringify({ ...JSON.parse(readFileSync(join(a, 'report.json'), 'utf8')), mode: 'import', zips: [], folders: [], totals: importTotals }));
    const mixed = await runCli(['report', 'merge', a, fake, '--out', join(work, 'z')]);
    expect(mixed.status).toBe(2);
    expect(mixed.stderr).toContain('cannot merge a dry run with an import');
  });

  it("keeps each shard's exports that did not land (--wait-for-exports), with their ErrorInfo and next step", async () => {
    const shardDirs = [1, 2].map((i) => join(work, `landed-shard-${i}`));
    for (const [i, dir] of shardDirs.entries()) {
      const run = await runCli([...zips, '--dry-run', '--map', map, '--shard', `${i + 1}/2`, '--report', dir, '--no-progress']);
      expect(run.status, run.stderr).toBe(0);
    }
    const notLanded = { mailbox: 'dee@contoso.com', zip: 's3://exports/2026/job-9.zip', user: 'dee@example.awsapps.com', jobId: 'job-9', state: 'FAILED', errorInfo: 'The mailbox is on legal hold.', reason: 'export job job-9 for dee@example.awsapps.com failed: The mailbox is on legal hold.', next: 'fix what WorkMail says went wrong, then run eml-import export again' };
    const first = join(shardDirs[0]!, 'report.json');
    writeFileSync(first, JSON.stringify({ ...(JSON.parse(readFileSync(first, 'utf8')) as object), exportsNotLanded: [notLanded] }));
    const out = join(work, 'landed-estate');
    const merged = await runCli(['report', 'merge', ...shardDirs, '--out', out]);
    expect(merged.status, merged.stderr).toBe(0);
    expect((JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { exportsNotLanded: unknown[] }).exportsNotLanded).toEqual([notLanded]);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('The mailbox is on legal hold.');
  });
});
