/**
 * The report pages as a browser lays them out: at 1280 pixels nothing may be cut off or need a sideways
 * scroll. Runs headless Chromium (Debian's `chromium`) and skips with a message when it is not installed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/reports/html.js';
import { counts, sampleLines, sampleReport } from './sample.js';
import type { RunReport } from '../../src/reports/model.js';
import { renderReconcileHtml } from '../../src/reports/reconcile/html.js';
import type { DestinationLine, ReconcileFolderRow, ReconcileReport, SourceLine } from '../../src/reports/reconcile/model.js';

function findChromium(): string | null {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    const found = spawnSync('which', [name], { encoding: 'utf8' });
    if (found.status === 0 && found.stdout.trim() !== '') return found.stdout.trim();
  }
  return null;
}

const chromium = findChromium();
if (!chromium) console.warn('browser-fit: no chromium on this machine; skipping the 1280-pixel layout checks (apt-get install chromium)');

const work = mkdtempSync(join(tmpdir(), 'eml-import-browser-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * Widths that do not fit: each table wider than its box, and the page wider than the window. The page
 * forbids scripts (its Content-Security-Policy), so the probe takes that out and adds its own script.
 */
function overflows(page: string, name: string): string[] {
  const probe = `<script>
const out = [];
if (document.documentElement.scrollWidth > window.innerWidth) out.push('page ' + document.documentElement.scrollWidth + ' > ' + window.innerWidth);
document.querySelectorAll('table').forEach((t, i) => {
  const box = t.parentElement;
  if (t.scrollWidth > box.clientWidth) out.push('table ' + i + ' (' + t.querySelector('th').textContent + ') ' + t.scrollWidth + ' > ' + box.clientWidth);
});
document.body.setAttribute('data-overflow', JSON.stringify(out));
</script>`;
  const file = join(work, `${name}.html`);
  writeFileSync(file, page.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '').replace('</body>', `${probe}</body>`));
  const dom = execFileSync(chromium as string, ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--window-size=1280,900', '--dump-dom', `file://${file}`], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    timeout: 60_000,
  });
  const attr = /data-overflow="([^"]*)"/.exec(dom)?.[1];
  if (attr === undefined) throw new Error(`${name}: the probe did not run`);
  return JSON.parse(attr.replace(/&quot;/g, '"').replace(/&amp;/g, '&')) as string[];
}

/** Every count non-zero and large, and a long folder name: the widest the folder table gets. */
function widest(mode: RunReport['mode']): RunReport {
  const report = sampleReport(mode);
  const big = counts({ messages: 1_234_567, importable: 1_200_000, spam: 12_345, duplicates: 12_345, collisions: 1_234, calendar: 1_234, undated: 1_234, unreadable: 1_234, excluded: 12_345, bytes: 123_000_000_000, imported: 1_100_000, importedEarlier: 600_000, alreadyPresent: 50_000, failed: 12_345, pending: 37_655 });
  return {
    ...report,
    totals: big,
    zips: report.zips.map((z) => ({ ...z, totals: big })),
    folders: report.folders.map((f) => ({ ...f, ...big, folder: `${f.folder}/Kunden und Lieferanten/Rechnungen und Gutschriften 2019` })),
  };
}

/** A reconciliation with a ledger, a folder that could not be read and every list filled: its widest page. */
function widestReconcile(): ReconcileReport {
  const mailbox = 'annemarie.vandenberghe-oosterhuis@contoso-international.onmicrosoft.com';
  const folderPath = 'Inbox/Kunden und Lieferanten/Rechnungen und Gutschriften 2019/Quartal 4';
  const row: ReconcileFolderRow = {
    mailbox, target: '["inbox","Kunden"]', label: folderPath, folderPath, sourceFolders: [folderPath, `${folderPath} (2)`],
    inExport: 1_234_567, spam: 12_345, duplicates: 12_345, excluded: 12_345, expected: 1_200_000, importedPerLedger: 1_199_000, present: 1_150_000,
    totalItemCount: 1_150_000, listed: 1_150_000, missing: 50_000, unexpected: 12_345, ledgerImportedButAbsent: 1_234, importedButAltered: 123, weakMatches: 12,
    error: 'listing failed: 503 ServiceUnavailable after 5 attempts (request-id 0f3c2a9e-5b7d-4e21-9c8a-1d2e3f4a5b6c)',
  };
  const source: SourceLine = { mailbox, zip: 'annemarie.vandenberghe-oosterhuis.zip', entry: `${folderPath}/0000012345-a-very-long-entry-name.eml`, folder: folderPath, target: 'inbox/Kunden', subject: 'AW: WG: Rechnung 2019-12-0042 und Gutschrift 2019-12-0043 für die Lieferung vom 3. Dezember', date: '2019-12-04T10:00:00.000Z', messageId: '<CAF=abcdefghijklmnopqrstuvwxyz0123456789@mail.gmail.com>', ledgerState: 'imported', ledgerDestinationId: 'AAMkAGI2TG93AAA=' };
  const destination: DestinationLine = { mailbox, target: 'inbox/Kunden', folderPath, subject: source.subject, sentDateTime: source.date, internetMessageId: source.messageId, id: 'AAMkAGI2TG93AAABBBCCCDDDEEEFFFGGGHHHIIIJJJKKKLLLMMMNNNOOOPPPQQQRRRSSSTTT=' };
  return {
    generatedAt: '2026-12-06T13:00:00.000Z', withLedger: true, mailboxes: [mailbox],
    totals: { expected: 1_200_000, present: 1_150_000, missing: 50_000, unexpected: 12_345, drafts: 1, ledgerImportedButAbsent: 1_234, importedButAltered: 123, inExport: 1_234_567, spam: 12_345, duplicates: 12_345, excluded: 12_345, unreadable: 1_234 },
    folders: [row, { ...row, label: 'Sent Items', folderPath: 'Sent Items', sourceFolders: ['Sent Items'], error: null }],
    missing: [source], unexpected: [destination], present: [], drafts: [{ ...destination, matchedBy: 'subject-date', source }],
    ledgerImportedButAbsent: [source], importedButAltered: [{ source, destination }], warnings: [], notInPrimary: [source],
  };
}

describe.skipIf(!chromium)('report pages at 1280 pixels (headless Chromium)', () => {
  it.each(['dry-run', 'import'] as const)('the %s report fits: no table is cut off', (mode) => {
    expect(overflows(renderHtml(widest(mode), sampleLines()), mode)).toEqual([]);
  });

  it('the reconciliation fits: no table is cut off', () => {
    expect(overflows(renderReconcileHtml(widestReconcile()), 'reconcile')).toEqual([]);
  });
});
