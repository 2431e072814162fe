import { describe, expect, it } from 'vitest';
import { reportJsonText, toJson } from '../../src/reports/json.js';
import { emptyCounts } from '../../src/reports/model.js';
import { sampleReport } from './sample.js';

const COUNT_KEYS = Object.keys(emptyCounts()).sort();
const DRY_RUN_KEYS = ['messages', 'importable', 'spam', 'duplicates', 'collisions', 'calendar', 'undated', 'unreadable'];
const IMPORT_KEYS = ['messages', 'imported', 'alreadyPresent', 'spam', 'duplicates', 'collisions', 'failed', 'unreadable'];

type Json = Record<string, unknown> & { totals: Record<string, number>; folders: Array<Record<string, unknown>> };

describe('toJson', () => {
  it('has the top-level keys the CLI documents', () => {
    const json = toJson(sampleReport()) as Json;
    expect(Object.keys(json)).toEqual(['version', 'mode', 'generatedAt', 'totals', 'folders', 'zips', 'spamByRule', 'messagesPerYear', 'methods', 'datesBySource']);
    expect(json['mode']).toBe('dry-run');
    expect(json['datesBySource']).toEqual({ date: 1280, 'date-assumed-zone': 12, received: 5, none: 3 });
  });

  it.each([['dry-run', DRY_RUN_KEYS] as const, ['import', IMPORT_KEYS] as const])('%s totals carry the required counts and every other one', (mode, required) => {
    const json = toJson(sampleReport(mode)) as Json;
    for (const key of required) expect(typeof json.totals[key]).toBe('number');
    expect(Object.keys(json.totals).sort()).toEqual(COUNT_KEYS);
    expect(json.totals['messages']).toBe(1300);
    expect(json.totals['alreadyPresent']).toBe(40);
  });

  it('lists each folder with its zip, mailbox and the same counts', () => {
    const json = toJson(sampleReport()) as Json;
    expect(json.folders).toHaveLength(3);
    const cjk = json.folders[1]!;
    expect(Object.keys(cjk).sort()).toEqual(['folder', 'mailbox', 'zip', ...COUNT_KEYS].sort());
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

  it('is plain data: the text parses back to the same object', () => {
    const report = sampleReport();
    expect(JSON.parse(reportJsonText(report))).toEqual(toJson(report));
    expect(reportJsonText(report).endsWith('}\n')).toBe(true);
  });
});
