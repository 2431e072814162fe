import { describe, expect, it } from 'vitest';
import { renderSummary } from '../../src/reports/human.js';
import { CJK_FOLDER, sampleReport } from './sample.js';

// Independent of src/reports/text-width.ts on purpose: the CJK and kana used in the sample are two columns.
const columns = (s: string): number => [...s].reduce((n, c) => n + (/[\u3000-\u9fff]/.test(c) ? 2 : 1), 0);

function tableLines(text: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trimStart().startsWith('Folder'));
  const end = lines.findIndex((l) => l.trimStart().startsWith('Total'));
  // Zip titles are headings between the rows, not rows.
  return lines.slice(start, end + 1).filter((l) => !l.includes('.zip'));
}

describe('renderSummary, dry run', () => {
  const text = renderSummary(sampleReport('dry-run'), { color: false });

  it('shows the per-folder and total numbers with bytes in human units', () => {
    const inbox = text.split('\n').find((l) => l.trim().startsWith('Inbox '));
    expect(inbox?.split(/\s+/).filter(Boolean)).toEqual(['Inbox', '1,000', '950', '40', '10', '2', '0', '3', '0', '1.1', 'GB']);
    const total = text.split('\n').find((l) => l.trim().startsWith('Total'));
    expect(total?.split(/\s+/).filter(Boolean)).toEqual(['Total', '1,300', '1,234', '56', '10', '2', '1', '3', '3', '1.4', 'GB']);
    expect(text).toContain('(top level)');
  });

  it('has the dry-run columns and not the import ones', () => {
    const header = tableLines(text)[0] ?? '';
    expect(header.split(/\s+/).filter(Boolean)).toEqual(['Folder', 'Messages', 'Importable', 'Spam', 'Duplicates', 'Collisions', 'Calendar', 'Undated', 'Unreadable', 'Size']);
  });

  it('aligns every row, CJK folder names included', () => {
    const rows = tableLines(renderSummary(sampleReport('dry-run'), { color: false, width: 200 }));
    expect(rows.some((r) => r.includes(CJK_FOLDER))).toBe(true);
    const widths = new Set(rows.map(columns));
    expect(widths.size).toBe(1);
  });

  it('shortens long folder names to the terminal width and stays aligned', () => {
    const narrow = renderSummary(sampleReport('dry-run'), { color: false, width: 110 });
    const rows = tableLines(narrow);
    expect(narrow).not.toContain(CJK_FOLDER);
    expect(rows.some((r) => r.includes('…'))).toBe(true);
    expect(new Set(rows.map(columns)).size).toBe(1);
    expect(Math.max(...rows.map(columns))).toBeLessThanOrEqual(110);
  });

  it('lists spam by rule, biggest first', () => {
    const lines = text.split('\n');
    const at = lines.indexOf('Spam by rule');
    expect(lines.slice(at + 1, at + 3).map((l) => l.trim().split(/\s+/))).toEqual([['x-spam-status', '40'], ['junk-folder', '16']]);
  });

  it('calls out export-log mismatches and archive errors', () => {
    expect(text).toContain('! ann.zip: export log mismatch: export log lists 1,236 entries, the zip holds 1,235');
    expect(text).toContain('! bob.zip: archive error: invalid central directory at offset 1234');
    expect(text).not.toContain('failed to import');
  });

  it('ends with a one-line verdict', () => {
    const last = text.trimEnd().split('\n').at(-1);
    expect(last).toBe(
      'Dry run: 1,234 of 1,300 messages would be imported (56 spam, 10 duplicates left out); 3 entries unreadable (listed in messages.csv with --report DIR); 1 archive with errors.',
    );
  });

  it('says in one line how the messages were dated', () => {
    expect(text).toContain(
      '  Dated: 1,280 from the Date header, 12 from the Date header, zone missing or unknown (read as UTC), 5 from Received (no readable Date header), 3 undated',
    );
    const withDefects = renderSummary({ ...sampleReport(), totals: { ...sampleReport().totals, headerDefects: 2 } }, { color: false });
    expect(withDefects).toMatch(/3 undated; 2 messages with header lines that are not fields \(read past\)\n/);
    expect(renderSummary({ ...sampleReport(), datesBySource: {} }, { color: false })).not.toContain('Dated:');
  });

  it('writes no escape codes without colour', () => {
    expect(text).not.toContain('\x1b');
  });
});

describe('renderSummary, import', () => {
  it('adds imported, present, failed and pending, and says what is left', () => {
    const text = renderSummary(sampleReport('import'), { color: false, reportDir: 'out' });
    const header = tableLines(text)[0] ?? '';
    expect(header.split(/\s+/).filter(Boolean).slice(-4)).toEqual(['Imported', 'Present', 'Failed', 'Pending']);
    const total = text.split('\n').find((l) => l.trim().startsWith('Total'));
    expect(total?.split(/\s+/).filter(Boolean).slice(-4)).toEqual(['1,184', '40', '4', '6']);
    expect(text.trimEnd().split('\n').at(-1)).toBe(
      'Import: 1,224 of 1,234 wanted messages in the mailbox (1,184 imported, 40 already present); 56 spam, 10 duplicates left out; ' +
        '4 failed (see out/failed.csv); 6 pending: run again to finish; 3 entries unreadable (see out/messages.csv); 1 archive with errors.',
    );
  });

  it('colours when asked, and the colour does not break the alignment', () => {
    const text = renderSummary(sampleReport('import'), { color: true });
    expect(text).toContain('\x1b[31m');
    const plain = text.replace(new RegExp(`${'\x1b'}\\[[0-9;]*m`, 'g'), '');
    expect(plain).toBe(renderSummary(sampleReport('import'), { color: false }));
  });

  it('neutralises control characters in folder names', () => {
    const report = sampleReport();
    const hostile = { ...report, folders: report.folders.map((f, i) => (i === 0 ? { ...f, folder: 'Inbox\x1b]0;pwned\x07' } : f)) };
    const text = renderSummary(hostile, { color: false });
    expect(text).not.toContain('\x07');
    expect(text).not.toContain('\x1b');
    expect(text).toContain('Inbox');
  });
});
