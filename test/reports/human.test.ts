import { describe, expect, it } from 'vitest';
import { renderSummary } from '../../src/reports/human.js';
import { CJK_FOLDER, counts, sampleReport } from './sample.js';

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

  it('says what the run found about a zip itself, such as where it was seen before', () => {
    expect(text).toContain('About the zips');
    expect(text).toContain('ann.zip: seen before at /old/ann.zip');
  });

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

  it('calls out archive errors, and shows the export log as a cross-check note, not a problem', () => {
    const lines = text.split('\n');
    const attention = lines.slice(lines.indexOf('Needs attention'), lines.indexOf('', lines.indexOf('Needs attention')));
    expect(attention).toContain('  ! bob.zip: archive error: invalid central directory at offset 1234');
    expect(attention.join('\n')).not.toContain('export log');
    const checks = lines.slice(lines.indexOf('Export log cross-check'));
    expect(checks[1]).toBe('  ann.zip: export log lists 1,236 entries, the zip holds 1,235');
    expect(checks[2]).toContain('a difference is not an error');
    expect(text).not.toContain('failed to import');
  });

  it('says what the import will do with calendar items, undated messages and collisions', () => {
    const lines = text.split('\n');
    const notes = lines.slice(lines.indexOf('What the import will do') + 1, lines.indexOf('', lines.indexOf('What the import will do')));
    expect(notes).toEqual([
      '  1 calendar item will not be imported: eml-import moves mail only (listed in messages.csv with --report DIR).',
      '  3 messages without a Date or Received header: imported unless spam and dated by Exchange on arrival; never dropped as duplicates, never moved by --archive-before.',
      '  2 collisions: the same subject and date as another message in the folder but another Message-ID; both copies will be imported (listed in duplicates.csv with --report DIR).',
    ]);
  });

  it('says that Deleted Items is imported, and how to leave it out', () => {
    const report = sampleReport('dry-run');
    const deleted = { ...report.folders[0]!, folder: 'Deleted Items/Old', importable: 12 };
    const out = renderSummary({ ...report, folders: [...report.folders, deleted] }, { color: false, reportDir: 'out' });
    expect(out).toContain("  12 messages in Deleted Items will be imported into Deleted Items; to leave them out, add --exclude-folder 'Deleted Items'.");
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
  it('tells imported in this run, by an earlier run and found there apart, then failed and pending', () => {
    const report = sampleReport('import');
    const text = renderSummary({ ...report, totals: { ...report.totals, importedEarlier: 1_000 } }, { color: false, reportDir: 'out' });
    const header = tableLines(text)[0] ?? '';
    expect(header.split(/\s+/).filter(Boolean).slice(-5)).toEqual(['Imported', 'Earlier', 'Found', 'Failed', 'Pending']);
    const total = text.split('\n').find((l) => l.trim().startsWith('Total'));
    expect(total?.split(/\s+/).filter(Boolean).slice(-5)).toEqual(['184', '1,000', '40', '4', '6']);
    expect(text).toContain('Imported: by this run. Earlier: by an earlier run. Found: already in the destination, not uploaded.');
    expect(text.trimEnd().split('\n').at(-1)).toBe(
      'Import: 1,224 of 1,234 wanted messages in the mailbox (184 imported in this run, 1,000 imported by an earlier run, 40 already in the destination); ' +
        '56 spam, 10 duplicates left out; 4 failed (see out/failed.csv); 6 pending: run again to finish; 3 entries unreadable (see out/messages.csv); 1 archive with errors.',
    );
  });

  it('leaves out columns that are zero in every row, so an ordinary import fits 120 columns', () => {
    const report = sampleReport('import');
    const quiet = (c: ReturnType<typeof counts>): ReturnType<typeof counts> => ({ ...c, collisions: 0, calendar: 0, undated: 0, unreadable: 0, pending: 0, failed: 0 });
    const text = renderSummary(
      { ...report, totals: quiet(report.totals), zips: report.zips.map((z) => ({ ...z, totals: quiet(z.totals) })), folders: report.folders.map((f) => ({ ...f, ...quiet(f) })) },
      { color: false, width: 120 },
    );
    const rows = tableLines(text);
    expect((rows[0] ?? '').split(/\s+/).filter(Boolean)).toEqual(['Folder', 'Messages', 'Importable', 'Spam', 'Duplicates', 'Size', 'Imported', 'Found', 'Failed', 'Pending']);
    expect(Math.max(...rows.map(columns))).toBeLessThanOrEqual(120);
    // The legend names only columns the table has, and does not claim that zero columns are gone above two of them.
    expect(text).toContain('Imported: by this run. Found: already in the destination, not uploaded. Columns that are zero in every row are left out, but for Failed and Pending.');
    expect(text).not.toContain('Earlier:');
  });

  it('blames a mailbox that does not exist, not a run that needs repeating', () => {
    const report = sampleReport('import');
    const reason = 'mailbox bob@contoso.com does not exist in this tenant: check --mailbox or the map';
    const bob = counts({ messages: 66, importable: 50, failed: 50 });
    const text = renderSummary(
      { ...report, totals: { ...report.totals, failed: 54, pending: 0 }, zips: [report.zips[0]!, { ...report.zips[1]!, totals: bob }], missingMailboxes: [{ mailbox: 'bob@contoso.com', messages: 50, reason }] },
      { color: false, reportDir: 'out' },
    );
    expect(text).toContain(`  ! bob.zip: ${reason}`);
    const verdict = text.trimEnd().split('\n').at(-1) ?? '';
    expect(verdict).toContain(`50 messages failed: ${reason}; 4 failed (see out/failed.csv)`);
    expect(verdict).not.toContain('run again');
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
