import { describe, expect, it } from 'vitest';
import { reportJsonText, toJson } from '../../src/reports/json.js';
import { emptyCounts } from '../../src/reports/model.js';
import { sampleReport } from './sample.js';

const SCAN_KEYS = Object.keys(emptyCounts()).filter((k) => !['imported', 'importedEarlier', 'alreadyPresent', 'failed', 'pending'].includes(k));
const COUNT_KEYS_BY_MODE = {
  'dry-run': [...SCAN_KEYS, 'alreadyPresent', 'wouldImport', 'wouldFail'].sort(),
  import: [...SCAN_KEYS, 'imported', 'importedThisRun', 'importedEarlier', 'alreadyPresent', 'failed', 'pending'].sort(),
};
const DRY_RUN_KEYS = ['messages', 'importable', 'spam', 'duplicates', 'collisions', 'calendar', 'undated', 'unreadable'];
const IMPORT_KEYS = ['messages', 'imported', 'alreadyPresent', 'spam', 'duplicates', 'collisions', 'failed', 'unreadable'];

type Json = Record<string, unknown> & { totals: Record<string, number>; folders: Array<Record<string, unknown>> };

describe('toJson', () => {
  it('has the top-level keys the CLI documents', () => {
    const json = toJson(sampleReport()) as Json;
    expect(Object.keys(json)).toEqual(['version', 'mode', 'generatedAt', 'totals', 'folders', 'zips', 'spamByRule', 'messagesPerYear', 'methods', 'missingMailboxes', 'datesBySource']);
    expect(json['mode']).toBe('dry-run');
    expect(json['datesBySource']).toEqual({ date: 1280, 'date-assumed-zone': 12, received: 5, none: 3 });
  });

  it.each([['dry-run', DRY_RUN_KEYS] as const, ['import', IMPORT_KEYS] as const])('%s totals carry the required counts and every other one', (mode, required) => {
    const json = toJson(sampleReport(mode)) as Json;
    for (const key of required) expect(typeof json.totals[key]).toBe('number');
    expect(Object.keys(json.totals).sort()).toEqual(COUNT_KEYS_BY_MODE[mode]);
    expect(json.totals['messages']).toBe(1300);
    expect(json.totals['alreadyPresent']).toBe(mode === 'import' ? 40 : 0);
  });

  it('lists each folder with its zip, mailbox and the same counts', () => {
    const json = toJson(sampleReport()) as Json;
    expect(json.folders).toHaveLength(3);
    const cjk = json.folders[1]!;
    expect(Object.keys(cjk).sort()).toEqual(['folder', 'mailbox', 'zip', ...COUNT_KEYS_BY_MODE['dry-run']].sort());
    expect(cjk).toMatchObject({ zip: 'ann.zip', mailbox: 'ann@contoso.com', folder: 'Inbox/受信トレイ/プロジェクト', messages: 234, calendar: 1 });
  });

  it('keeps zips with their errors and the per-year, per-rule and per-method figures', () => {
    const json = toJson(sampleReport('import')) as Json;
    expect(json['zips']).toEqual([
      expect.objectContaining({ zip: 'ann.zip', archiveError: null, exportLogMismatches: ['export log lists 1,236 entries, the zip holds 1,235'] }),
      expect.objectContaining({ zip: 'bob.zip', archiveError: 'invalid central directory at offset 1234' }),
    ]);
    expect(json['spamByRule']).toEqual({ 'x-spam-status': 40, 'junk-folder': 16 });
    expect(Object.keys(json['messagesPerYear'] as object)).toEqual(['2019', '2020', '2021', 'undated']);
    expect(json['methods']).toEqual({ 'simple-put': 1100, 'upload-session': 84 });
  });

  it('says what a dry run would import, never that anything is pending', () => {
    const json = toJson(sampleReport('dry-run')) as Json;
    expect(json.totals).not.toHaveProperty('pending');
    expect(json.totals).not.toHaveProperty('imported');
    expect(json.totals['wouldImport']).toBe(1234);
  });

  it('tells messages imported in this run from those an earlier run imported', () => {
    const report = sampleReport('import');
    const json = toJson({ ...report, totals: { ...report.totals, imported: 1184, importedEarlier: 1000 } }) as Json;
    expect(json.totals).toMatchObject({ imported: 1184, importedThisRun: 184, importedEarlier: 1000, alreadyPresent: 40 });
  });

  it('is plain data: the text parses back to the same object', () => {
    const report = sampleReport();
    expect(JSON.parse(reportJsonText(report))).toEqual(toJson(report));
    expect(reportJsonText(report).endsWith('}\n')).toBe(true);
  });
});
