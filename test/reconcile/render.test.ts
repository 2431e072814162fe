import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { reconcileExitCode } from '../../src/run/reconcile/reconcile.js';
import { renderReconcile, renderReconcileCombined } from '../../src/reports/reconcile/human.js';
import { reconcileJson } from '../../src/reports/reconcile/json.js';
import { missingCsv, unexpectedCsv } from '../../src/reports/reconcile/csv.js';
import { renderReconcileHtml } from '../../src/reports/reconcile/html.js';
import type { ReconcileFolderRow, ReconcileReport, SourceLine } from '../../src/reports/reconcile/model.js';

const row = (over: Partial<ReconcileFolderRow>): ReconcileFolderRow => ({
  mailbox: 'ann@x.test',
  target: '["inbox"]',
  label: 'inbox',
  folderPath: 'Inbox',
  sourceFolders: ['Inbox'],
  inExport: 3,
  spam: 0,
  duplicates: 0,
  excluded: 0,
  expected: 3,
  importedPerLedger: null,
  present: 3,
  totalItemCount: 3,
  listed: 3,
  missing: 0,
  unexpected: 0,
  ledgerImportedButAbsent: null,
  importedButAltered: null,
  weakMatches: 0,
  error: null,
  ...over,
});

const hostile: SourceLine = {
  mailbox: 'ann@x.test',
  zip: 'ann.zip',
  entry: 'export/Inbox/1.eml',
  folder: 'Inbox',
  target: 'inbox',
  subject: '@SUM(A1:A9)\n<img src=x onerror=alert(1)>',
  date: '2024-03-04T10:00:00.000Z',
  messageId: '-1+2@x',
  ledgerState: '',
  ledgerDestinationId: '',
};

function report(folders: ReconcileFolderRow[], over: Partial<ReconcileReport> = {}): ReconcileReport {
  const sum = (f: (r: ReconcileFolderRow) => number): number => folders.reduce((n, r) => n + f(r), 0);
  return {
    generatedAt: '2026-11-22T15:00:00.000Z',
    withLedger: false,
    mailboxes: ['ann@x.test'],
    totals: {
      expected: sum((r) => r.expected),
      present: sum((r) => r.present),
      missing: sum((r) => r.missing),
      unexpected: sum((r) => r.unexpected),
      drafts: 0,
      ledgerImportedButAbsent: null,
      importedButAltered: null,
      inExport: sum((r) => r.inExport),
      spam: 0,
      duplicates: 0,
      excluded: 0,
      unreadable: 0,
    },
    folders,
    missing: [],
    unexpected: [],
    present: [],
    drafts: [],
    ledgerImportedButAbsent: [],
    importedButAltered: [],
    warnings: [],
    ...over,
  };
}

describe('reconcileExitCode', () => {
  it('is 0 only when nothing expected is missing and every folder was read', () => {
    expect(reconcileExitCode(report([row({})]))).toBe(0);
    // Unexpected messages alone do not fail the run: the export is in, something else is there too.
    expect(reconcileExitCode(report([row({ unexpected: 2 })]))).toBe(0);
    expect(reconcileExitCode(report([row({ present: 2, missing: 1 })]))).toBe(1);
    expect(reconcileExitCode(report([row({ expected: 0, present: 0, error: 'ErrorAccessDenied' })]))).toBe(1);
    const truncated = report([row({})]);
    expect(reconcileExitCode({ ...truncated, totals: { ...truncated.totals, unreadable: 1 } })).toBe(1);
  });
});

describe('reconcile renderers', () => {
  it('JSON carries totals {expected, present, missing, unexpected} and per-folder rows', () => {
    const json = reconcileJson(report([row({ present: 2, missing: 1 }), row({ label: 'sentitems', target: '["sentitems"]', folderPath: 'Sent Items' })])) as {
      complete: boolean;
      totals: Record<string, unknown>;
      folders: unknown[];
    };
    expect(json.complete).toBe(false);
    expect(json.totals).toMatchObject({ expected: 6, present: 5, missing: 1, unexpected: 0, drafts: 0 });
    expect(json.folders).toHaveLength(2);
  });

  it('defuses every cell a spreadsheet would run as a formula', () => {
    const missing = parse(missingCsv([hostile]), { columns: true }) as Record<string, string>[];
    expect(missing[0]?.['subject']).toBe(`'${hostile.subject}`);
    expect(missing[0]?.['Message-ID']).toBe(`'${hostile.messageId}`);
    const unexpected = parse(
      unexpectedCsv([{ mailbox: 'ann@x.test', target: 'inbox', folderPath: '+Inbox', subject: '=1+1', sentDateTime: '', internetMessageId: '', id: 'AAMk1' }]),
      { columns: true },
    ) as Record<string, string>[];
    expect(unexpected[0]).toMatchObject({ folder: "'+Inbox", subject: "'=1+1", destinationId: 'AAMk1' });
  });

  it('escapes mail-borne text in the HTML page and highlights mismatching rows only', () => {
    const page = renderReconcileHtml(report([row({ present: 2, missing: 1, folderPath: 'Inbox/<b>x</b>' }), row({ label: 'sentitems', folderPath: 'Sent Items' })], { missing: [hostile] }));
    expect(page).not.toContain('<img');
    expect(page).not.toContain('<b>x</b>');
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page.match(/<tr class="mismatch">/g)).toHaveLength(1);
    expect(page).toContain("default-src 'none'");
  });

  it('shows the Error column only when a folder could not be read', () => {
    const clean = renderReconcileHtml(report([row({})]));
    expect(clean).not.toContain('<th>Error</th>');
    const broken = renderReconcileHtml(report([row({}), row({ label: 'sentitems', folderPath: 'Sent Items', error: 'listing failed (503)' })]));
    expect(broken).toContain('<th>Error</th>');
    expect(broken).toContain('<td class="error">listing failed (503)</td>');
  });

  it('keeps control characters out of the terminal and one message per combined line', () => {
    const r = report([row({ present: 2, missing: 1 })], { missing: [{ ...hostile, subject: 'evil\u001b[2Jsubject\n- fake line' }] });
    const text = renderReconcile(r, { color: false });
    expect(text).not.toContain('\u001b');
    expect(text).toContain('Incomplete: 1 expected message missing');
    const combined = renderReconcileCombined(r).split('\n').filter(Boolean);
    expect(combined).toHaveLength(1);
    expect(combined[0]).toMatch(/^- /);
  });

  it('keeps escape sequences out of combined.txt, which is read with cat: a missing line cannot be redrawn as present', () => {
    // ESC [2K erases the line and ESC [G returns to its start: printed raw, '- …' would show as '= …'.
    const r = report([row({ present: 2, missing: 1 })], { missing: [{ ...hostile, subject: '\u001b[2K\u001b[G= present, honest' }] });
    const combined = renderReconcileCombined(r);
    expect(combined).not.toContain('\u001b');
    expect(combined).toMatch(/^- /);
  });
});
