import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { messagesCsv } from '../../src/reports/csv.js';
import { toJson } from '../../src/reports/json.js';
import { writeReportDir } from '../../src/reports/write-report.js';
import { sampleLines, sampleReport } from './sample.js';

describe('writeReportDir', () => {
  let base = '';
  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'eml-import-report-'));
  });
  afterEach(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('writes the dry-run files into a new nested directory and returns their paths', async () => {
    const dir = join(base, 'a', 'b');
    const written = await writeReportDir(dir, sampleReport('dry-run'), sampleLines());
    const names = ['report.json', 'messages.csv', 'spam.csv', 'duplicates.csv', 'report.html'];
    expect(written).toEqual(names.map((n) => join(dir, n)));
    expect((await readdir(dir)).sort()).toEqual([...names].sort());
  });

  it('adds failed.csv and imported.csv for an import', async () => {
    const written = await writeReportDir(base, sampleReport('import'), sampleLines());
    expect(written.map((p) => p.slice(base.length + 1)).sort()).toEqual(
      ['duplicates.csv', 'failed.csv', 'imported.csv', 'messages.csv', 'report.html', 'report.json', 'spam.csv'],
    );
    expect(await readFile(join(base, 'failed.csv'), 'utf8')).toContain('HTTP 400 ErrorInvalidRecipients');
  });

  it('writes the same JSON object as --json and the rendered CSVs, leaving no temp files', async () => {
    const report = sampleReport('import');
    await writeFile(join(base, 'report.json'), 'stale');
    await writeReportDir(base, report, sampleLines());
    expect(JSON.parse(await readFile(join(base, 'report.json'), 'utf8'))).toEqual(toJson(report));
    expect(await readFile(join(base, 'messages.csv'), 'utf8')).toBe([...messagesCsv(sampleLines())].join(''));
    expect((await readdir(base)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('fails loudly when the directory cannot be created', async () => {
    await writeFile(join(base, 'file'), 'x');
    await expect(writeReportDir(join(base, 'file', 'sub'), sampleReport(), sampleLines())).rejects.toThrow();
  });
});
