import { describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { runCli } from '../helpers/run-cli.js';

const fixtures = resolve(import.meta.dirname, '..', '..', 'fixtures');

interface ExpectedFolder {
  folder: string;
  [count: string]: unknown;
}
interface ExpectedEntry {
  entry: string;
  folder: string;
  verdict: string;
  subject?: string;
  date?: string | null;
  messageId?: string | null;
  errorIncludes?: string;
  spamRule?: string;
}
interface ExpectedZip {
  archiveError: string | null;
  entries: ExpectedEntry[];
  verify?: { folders: ExpectedFolder[] };
  headersOnly?: { folders: ExpectedFolder[] };
}
/** The generator's own manifest: what each fixture holds, so no count here is typed in by hand. */
const expected = JSON.parse(readFileSync(join(fixtures, 'expected.json'), 'utf8')) as { zips: Record<string, ExpectedZip> };
const zipNames = Object.keys(expected.zips);
const zipPaths = zipNames.map((name) => join(fixtures, name));
const COUNTS = ['messages', 'importable', 'spam', 'duplicates', 'collisions', 'calendar', 'undated', 'unreadable', 'bytes'] as const;

interface JsonFolder {
  zip: string;
  folder: string;
  [count: string]: unknown;
}

function countsOf(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(COUNTS.map((c) => [c, row[c]]));
}

describe('eml-import --dry-run on the fixture exports', () => {
  for (const mode of ['verify', 'headersOnly'] as const) {
    it(`counts every folder as the generator's manifest says (${mode})`, async () => {
      const run = await runCli([...zipPaths, '--dry-run', '--json', '--no-progress', ...(mode === 'headersOnly' ? ['--headers-only'] : [])]);
      // Unreadable entries are in the fixtures on purpose: exit 1 says so.
      expect(run.status).toBe(1);
      const json = JSON.parse(run.stdout) as { totals: Record<string, number>; folders: JsonFolder[] };
      for (const key of COUNTS) expect(typeof json.totals[key]).toBe('number');
      for (const name of zipNames) {
        const folders = expected.zips[name]?.[mode]?.folders ?? [];
        for (const folder of folders) {
          const actual = json.folders.find((f) => f.zip === name && f.folder === folder.folder);
          expect(actual, `${name}: ${folder.folder}`).toBeDefined();
          expect(countsOf(actual as JsonFolder), `${name}: ${folder.folder}`).toEqual(countsOf(folder));
        }
      }
    });
  }

  it('writes messages.csv with one row per entry and the verdict, decoded subject and date the manifest expects', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eml-import-report-'));
    const run = await runCli([...zipPaths, '--dry-run', '--no-progress', '--report', dir]);
    expect(run.status).toBe(1);
    for (const file of ['report.json', 'messages.csv', 'spam.csv', 'duplicates.csv', 'report.html']) expect(existsSync(join(dir, file)), file).toBe(true);
    const rows = parse(readFileSync(join(dir, 'messages.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0] ?? {}).slice(0, 12)).toEqual(['zip', 'entry', 'folder', 'subject', 'from', 'date', 'messageId', 'fingerprint', 'size', 'verdict', 'rule', 'error']);
    for (const name of zipNames) {
      for (const entry of expected.zips[name]?.entries ?? []) {
        const row = rows.find((r) => r.zip === name && r.entry === entry.entry);
        expect(row, `${name}: ${entry.entry}`).toBeDefined();
        if (!row) continue;
        expect(row.verdict, `${name}: ${entry.entry}`).toBe(entry.verdict);
        if (entry.subject !== undefined && entry.verdict !== 'unreadable') expect((row.subject ?? '').replace(/^'/, ''), `${name}: ${entry.entry}`).toBe(entry.subject);
        if (entry.date !== undefined) expect(row.date, `${name}: ${entry.entry}`).toBe(entry.date ?? '');
        if (entry.errorIncludes) expect(row.error, `${name}: ${entry.entry}`).toContain(entry.errorIncludes);
        if (entry.verdict === 'unreadable') expect(row.error).toContain(name);
      }
    }
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=["']https?:/i);
  });

  it('checks each export log against what the zip holds, with the numbers the generator says are true', async () => {
    const run = await runCli([...zipPaths, '--dry-run', '--json', '--no-progress']);
    const json = JSON.parse(run.stdout) as { zips: { zip: string; exportLogMismatches: string[] }[] };
    for (const [name, zip] of Object.entries(expected.zips)) {
      const logs = (zip as { exportLogs?: { note: string }[] }).exportLogs ?? [];
      const mismatches = json.zips.find((z) => z.zip === name)?.exportLogMismatches ?? [];
      const truth = logs.map((l) => /truth: (\{.*\})/.exec(l.note)?.[1]).find((t) => t !== undefined);
      if (!truth) {
        expect(mismatches, name).toEqual([]);
        continue;
      }
      const values = JSON.parse(truth) as Record<string, number>;
      expect(mismatches, name).toHaveLength(Object.keys(values).length);
      for (const [field, value] of Object.entries(values)) expect(mismatches.find((m) => m.includes(field)), `${name} ${field}`).toContain(String(value));
    }
  });

  it('names a file that is not a zip and goes on with the rest', async () => {
    const run = await runCli([join(fixtures, 'not-a-zip.zip'), join(fixtures, 'export-flat.zip'), '--dry-run', '--json', '--no-progress']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('not-a-zip.zip');
    const json = JSON.parse(run.stdout) as { totals: Record<string, number> };
    const flatUnreadable = (expected.zips['export-flat.zip']?.entries ?? []).filter((e) => e.verdict === 'unreadable').length;
    expect(json.totals.unreadable).toBe(1 + flatUnreadable);
    expect(json.totals.messages).toBeGreaterThan(0);
  });

  it('applies a user spam rule and --keep-junk', async () => {
    const plain = JSON.parse((await runCli([...zipPaths, '--dry-run', '--json', '--no-progress'])).stdout) as { totals: Record<string, number>; spamByRule: Record<string, number> };
    const ruled = JSON.parse((await runCli([...zipPaths, '--dry-run', '--json', '--no-progress', '--spam-header', 'X-Foo: ^yes'])).stdout) as typeof plain;
    const userRuleHits = Object.entries(ruled.spamByRule).filter(([rule]) => rule.includes('X-Foo')).reduce((n, [, c]) => n + c, 0);
    expect(userRuleHits).toBeGreaterThan(0);
    expect(ruled.totals.spam).toBe((plain.totals.spam ?? 0) + userRuleHits);
    const keep = JSON.parse((await runCli([...zipPaths, '--dry-run', '--json', '--no-progress', '--keep-junk'])).stdout) as typeof plain;
    expect(keep.totals.spam).toBeLessThan(plain.totals.spam ?? 0);
  });

  it('tells apart two zips with the same file name in different folders, in the table, the JSON and the CSV', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eml-import-same-name-'));
    const [flat, nested] = [join(dir, 'ann', 'export.zip'), join(dir, 'bob', 'export.zip')];
    mkdirSync(dirname(flat));
    mkdirSync(dirname(nested));
    copyFileSync(join(fixtures, 'export-flat.zip'), flat);
    copyFileSync(join(fixtures, 'export-nested.zip'), nested);
    const report = join(dir, 'report');
    const run = await runCli([flat, nested, '--dry-run', '--json', '--no-progress', '--report', report]);
    const json = JSON.parse(run.stdout) as { zips: { zip: string }[]; folders: JsonFolder[] };
    expect(json.zips.map((z) => z.zip)).toEqual(['ann/export.zip', 'bob/export.zip']);
    const foldersOf = (zip: string) => json.folders.filter((f) => f.zip === zip).map((f) => f.folder).sort();
    const manifestFolders = (name: string) => [...new Set(expected.zips[name]!.entries.map((e) => e.folder))].filter((f) => f !== '').sort();
    expect(foldersOf('ann/export.zip')).toEqual(manifestFolders('export-flat.zip'));
    expect(foldersOf('bob/export.zip')).toEqual(manifestFolders('export-nested.zip'));
    const rows = parse(readFileSync(join(report, 'messages.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.filter((r) => r.zip === 'bob/export.zip')).toHaveLength(expected.zips['export-nested.zip']!.entries.length);
  });

  it('exits 2 with a clear message on a bad option', async () => {
    const run = await runCli([join(fixtures, 'export-flat.zip'), '--dry-run', '--archive-before', 'yesterday']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--archive-before');
    const noTenant = await runCli([join(fixtures, 'export-flat.zip')]);
    expect(noTenant.status).toBe(2);
    expect(noTenant.stderr).toContain('--tenant');
  });
});
