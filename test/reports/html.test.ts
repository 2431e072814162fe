import { describe, expect, it } from 'vitest';
import { renderHtml, yearBars } from '../../src/reports/html.js';
import { CELL_MAX_COLUMNS, escapeHtml, html, raw, table } from '../../src/reports/html-kit.js';
import { columnChart } from '../../src/reports/html-charts.js';
import { line, sampleLines, sampleReport } from './sample.js';

const VOID = new Set(['meta', 'br', 'hr', 'img', 'input', 'link', 'col', 'area', 'base', 'source', 'wbr']);

/** Checks that every non-void element is closed in order; returns the first problem or null. */
function unbalanced(doc: string): string | null {
  const stack: string[] = [];
  const body = doc.replace(/<style>[\s\S]*?<\/style>/, '<style></style>');
  for (const m of body.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = m;
    const tag = (name ?? '').toLowerCase();
    if (VOID.has(tag) || selfClosing) continue;
    if (!closing) stack.push(tag);
    else if (stack.pop() !== tag) return `unexpected </${tag}> at ${m.index}`;
  }
  return stack.length === 0 ? null : `unclosed ${stack.join(', ')}`;
}

const chartOf = (doc: string): string => doc.match(/<svg class="chart"[\s\S]*?<\/svg>/)?.[0] ?? '';

describe('renderHtml', () => {
  const dry = renderHtml(sampleReport('dry-run'), sampleLines());
  const imported = renderHtml(sampleReport('import'), sampleLines());

  it('says what the run found about a zip itself', () => {
    const doc = renderHtml(sampleReport('import'), sampleLines());
    expect(doc).toContain('About the zips');
    expect(doc).toMatch(/<strong>ann\.zip<\/strong>: seen before at \/old\/ann\.zip/);
  });

  it('is a balanced document with the main structure', () => {
    for (const doc of [dry, imported]) {
      expect(doc.startsWith('<!DOCTYPE html>')).toBe(true);
      expect(unbalanced(doc)).toBeNull();
      for (const tag of ['html', 'head', 'body', 'main', 'table', 'svg']) expect(doc).toContain(`</${tag}>`);
    }
  });

  it('the balance check itself catches an unclosed element', () => {
    expect(unbalanced('<main><table><tr><td>x</td></table></main>')).not.toBeNull();
  });

  it('loads nothing from the network and runs no script', () => {
    for (const doc of [dry, imported]) {
      expect(doc).not.toMatch(/\b(src|href|xlink:href)\s*=/i);
      expect(doc).not.toMatch(/url\(|@import|<script|<link/i);
      expect(doc).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    }
    expect(renderHtml(sampleReport('import'))).not.toMatch(/https?:\/\//);
  });

  it('escapes hostile subjects, folder names and errors', () => {
    const report = sampleReport('import');
    const hostile = { ...report, folders: report.folders.map((f, i) => (i === 0 ? { ...f, folder: '<img src=x onerror=alert(1)>' } : f)) };
    const doc = renderHtml(hostile, [line({ entry: 'evil.eml', subject: '<script>alert(1)</script>', state: 'failed', error: '"><svg onload=alert(2)>' })]);
    expect(doc).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(doc).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(doc).toContain('&quot;&gt;&lt;svg onload=alert(2)&gt;');
    expect(doc).not.toMatch(/<script|<img|onload=alert\(2\)>/);
    expect(unbalanced(doc)).toBeNull();
  });

  it('shows the totals as big numbers and the verdict', () => {
    expect(dry).toMatch(/<div class="value">1,300<\/div><div class="label">Messages<\/div>/);
    expect(dry).toMatch(/<div class="value">1,234<\/div><div class="label">Would be imported<\/div>/);
    expect(dry).toContain('Dry run: 1,234 of 1,300 messages would be imported');
    expect(dry).toContain('see messages.csv');
  });

  it('has a per-folder table with a total row', () => {
    expect(dry).toContain('Inbox/受信トレイ/プロジェクト');
    expect(dry).toMatch(/<tfoot><tr><td class="name">Total<\/td><td class="num">1,300<\/td>/);
    expect(dry).toContain('<em>(top level)</em>');
  });

  it('says how the messages were dated', () => {
    const dates = dry.slice(dry.indexOf('<h2>How messages were dated</h2>'));
    expect(dates).toMatch(/from the Date header, zone missing or unknown \(read as UTC\)<\/td><td class="num">12<\/td>/);
    expect(dates).toMatch(/undated<\/td><td class="num">3<\/td>/);
  });

  it('has spam by rule with a bar per rule', () => {
    const spam = dry.slice(dry.indexOf('<h2>Spam by rule</h2>'), dry.indexOf('<h2>Messages per year</h2>'));
    expect(spam).toContain('x-spam-status');
    expect(spam.match(/<svg class="hbar"/g)).toHaveLength(2);
    expect(spam).toContain('width="100"');
  });

  it('draws one bar per year, in order, with undated last', () => {
    const chart = chartOf(dry);
    const labels = [...chart.matchAll(/<title>([^<:]+):/g)].map((m) => m[1]);
    expect(labels).toEqual(['2019', '2020', '2021', 'undated']);
    expect(chart.match(/<rect class="bar/g)).toHaveLength(4);
    expect(chart).toContain('class="bar muted"');
    expect(chart).toContain('>1,000</text>');
  });

  it('lists archive errors, export-log mismatches and unreadable entries with their error', () => {
    expect(dry).toContain('invalid central directory at offset 1234');
    expect(dry).toContain('export log lists 1,236 entries, the zip holds 1,235');
    expect(dry).toContain('<h3>Unreadable entries</h3>');
    expect(dry).toContain('invalid compressed data &lt;b&gt;');
  });

  it('shows import figures and failed messages only in import mode', () => {
    expect(imported).toMatch(/<div class="value">1,184<\/div><div class="label">Imported in this run<\/div>/);
    expect(imported).toMatch(/<div class="value">0<\/div><div class="label">Imported by an earlier run<\/div>/);
    expect(imported).toMatch(/<div class="value">40<\/div><div class="label">Already in the destination<\/div>/);
    expect(imported).toMatch(/<div class="value">4<\/div><div class="label">Failed<\/div>/);
    expect(imported).toContain('<h3>Failed messages</h3>');
    expect(imported).toContain('HTTP 400 ErrorInvalidRecipients');
    expect(imported).toContain('<h2>Upload methods</h2>');
    expect(dry).not.toContain('<h3>Failed messages</h3>');
    expect(dry).not.toContain('>Already in the destination<');
    expect(dry).not.toContain('<th class="num">Found</th>');
    expect(imported).toContain('<th class="num">Found</th>');
    // Nothing was imported by an earlier run: the column would be zero in every row.
    expect(imported).not.toContain('<th class="num">Earlier</th>');
    const report = sampleReport('import');
    const again = renderHtml({ ...report, totals: { ...report.totals, importedEarlier: 1_184 } });
    expect(again).toContain('<th class="num">Earlier</th>');
    // The note under the table explains the columns it has, and no other.
    expect(imported).toContain('Imported: by this run. Found: already in the destination, not uploaded. Columns that are zero in every row are left out;');
    expect(imported).not.toContain('Earlier: by an earlier run');
    expect(again).toContain('Earlier: by an earlier run.');
  });

  it('shows the error without the zip and entry the row already names', () => {
    const lines = [sampleLines()[6]!, line({ entry: 'Inbox/bad.eml', verdict: 'unreadable', state: 'skipped', error: '/exports/ann.zip: Inbox/bad.eml: CRC-32 mismatch' })];
    const doc = renderHtml(sampleReport('dry-run'), lines);
    expect(doc).toContain('<td class="error">CRC-32 mismatch</td>');
    expect(doc).not.toContain('/exports/ann.zip: Inbox/bad.eml');
  });

  it('leaves out columns that are empty in every row: Mailbox without a tenant, counts that are zero throughout', () => {
    const report = sampleReport('dry-run');
    const noTenant = { ...report, zips: report.zips.map((z) => ({ ...z, mailbox: null })) };
    const doc = renderHtml(noTenant, sampleLines());
    const zips = doc.slice(doc.indexOf('<h2>Export zips</h2>'));
    expect(zips).not.toContain('<th>Mailbox</th>');
    expect(dry.slice(dry.indexOf('<h2>Export zips</h2>'))).toContain('<th>Mailbox</th>');
    const folders = doc.slice(doc.indexOf('<h2>Folders</h2>'), doc.indexOf('<h2>Spam by rule</h2>'));
    expect(folders).not.toContain('>Excluded</th>');
    expect(folders).toContain('Columns that are zero in every row are left out');
  });

  it('gives spam shares that add up to 100%', () => {
    const report = { ...sampleReport('dry-run'), spamByRule: { a: 1, b: 1, c: 1 } };
    const doc = renderHtml({ ...report, totals: { ...report.totals, spam: 3 } });
    const spam = doc.slice(doc.indexOf('<h2>Spam by rule</h2>'), doc.indexOf('<h2>Messages per year</h2>'));
    const shares = [...spam.matchAll(/<td class="num">(\d+)%<\/td>/g)].map((m) => Number(m[1]));
    expect(shares).toEqual([34, 33, 33]);
  });

  it('without lines, still says where unreadable entries and failures are listed', () => {
    const doc = renderHtml(sampleReport('import'));
    expect(doc).toContain('3 entries could not be read');
    expect(doc).toContain('4 messages failed');
  });
});

describe('html-kit', () => {
  it('escapes interpolations unless they are marked safe', () => {
    expect(html`<p>${'<b>&"\''}</p>`.html).toBe('<p>&lt;b&gt;&amp;&quot;&#39;</p>');
    expect(html`<p>${raw('<b>ok</b>')}${['a', 1, null, false]}</p>`.html).toBe('<p><b>ok</b>a1</p>');
    expect(escapeHtml('a&b')).toBe('a&amp;b');
  });

  it('shows control and bidi-override characters from the mail as U+FFFD, keeping tabs and line breaks', () => {
    expect(escapeHtml('invoice\u202Efdp.exe')).toBe('invoice\uFFFDfdp.exe');
    expect(escapeHtml('a\u2066b\u0007c\u001bd\u0085e')).toBe('a\uFFFDb\uFFFDc\uFFFDd\uFFFDe');
    expect(escapeHtml('line\r\nnext\tcell')).toBe('line\r\nnext\tcell');
  });

  it('cuts a text cell past CELL_MAX_COLUMNS with an ellipsis, not numbers or short text', () => {
    const subject = 'Re: '.repeat(2_000) + 'end';
    const out = table([{ label: 'Subject', kind: 'wrap' }, { label: 'N', kind: 'num' }], [[subject, 12345], ['short', 1]]).html;
    const shown = /<td class="wrap">([^<]*)<\/td>/.exec(out)?.[1] ?? '';
    expect(shown.length).toBe(CELL_MAX_COLUMNS);
    expect(shown.endsWith('…')).toBe(true);
    expect(out).toContain('<td class="wrap">short</td>');
    expect(out).toContain('<td class="num">12345</td>');
  });

  it('builds tables with numeric columns, groups and footers', () => {
    const out = table([{ label: 'Name' }, { label: 'N', kind: 'num' }], [{ group: 'g<1>' }, ['x', 1]], ['Total', 1]).html;
    expect(out).toContain('<tr class="group"><th colspan="2">g&lt;1&gt;</th></tr>');
    expect(out).toContain('<tr><td>x</td><td class="num">1</td></tr>');
    expect(out).toContain('<tfoot><tr><td>Total</td><td class="num">1</td></tr></tfoot>');
    expect(unbalanced(out)).toBeNull();
  });

  it('scales chart bars to the largest value', () => {
    const svg = columnChart([{ label: 'a', value: 50 }, { label: 'b', value: 100 }, { label: 'c', value: 0 }], 'test').html;
    const heights = [...svg.matchAll(/<rect class="bar[^"]*"[^>]*height="(\d+)"/g)].map((m) => Number(m[1]));
    expect(heights).toEqual([90, 180, 0]);
  });

  it('orders years numerically and puts undated last', () => {
    expect(yearBars({ undated: 1, '2020': 2, '1999': 3 }).map((b) => b.label)).toEqual(['1999', '2020', 'undated']);
  });
});
