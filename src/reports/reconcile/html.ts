/**
 * reconcile.html: one self-contained page (no scripts, no network) an admin can keep as the proof that a
 * mailbox is complete. Everything from the mail or the destination is escaped by the kit.
 */
import { html, page, section, table, tiles, list, type Cell, type Column, type HtmlValue, type Row } from '../html-kit.js';
import { formatCount } from '../format.js';
import { isComplete, rowHasMismatch, type DestinationLine, type ReconcileFolderRow, type ReconcileReport, type SourceLine } from './model.js';
import { verdictText } from './human.js';

/** Rows listed per category on the page; the CSVs have every one. */
const LIST_LIMIT = 500;

// The kit's sheet has no row highlight; a mismatch row must stand out on screen and on paper.
const MISMATCH_STYLE = html`<style>tr.mismatch td { background: #ffebe9; } tr.mismatch td.bad { color: #cf222e; font-weight: 650; }</style>`;

export function renderReconcileHtml(report: ReconcileReport): string {
  const t = report.totals;
  const complete = isComplete(report);
  const body: HtmlValue[] = [
    MISMATCH_STYLE,
    html`<p class="verdict ${complete ? (t.unexpected > 0 || t.drafts > 0 ? 'warn' : '') : 'bad'}">${verdictText(report)}</p>`,
    tiles([
      { label: 'expected', value: formatCount(t.expected) },
      { label: 'present', value: formatCount(t.present), tone: 'good' },
      { label: 'missing', value: formatCount(t.missing), tone: t.missing > 0 ? 'bad' : 'muted' },
      { label: 'unexpected', value: formatCount(t.unexpected), tone: t.unexpected > 0 ? 'warn' : 'muted' },
      { label: 'left-over drafts', value: formatCount(t.drafts), tone: t.drafts > 0 ? 'warn' : 'muted' },
      ...(t.ledgerImportedButAbsent === null ? [] : [{ label: 'ledger says imported, absent', value: formatCount(t.ledgerImportedButAbsent), tone: t.ledgerImportedButAbsent > 0 ? ('bad' as const) : ('muted' as const) }]),
    ]),
    section('Folders', folderTable(report), 'Expected = in the export minus spam, duplicates and excluded folders. Items is Exchange\'s own count of the folder (it includes anything else filed there). Rows with a difference are highlighted.'),
  ];
  if (report.missing.length > 0) body.push(section('Missing from the destination', sourceTable(report.missing), limitNote(report.missing.length, 'missing.csv')));
  if (report.ledgerImportedButAbsent.length > 0) body.push(section('Recorded as imported by the ledger, but not there', sourceTable(report.ledgerImportedButAbsent), limitNote(report.ledgerImportedButAbsent.length, 'missing.csv')));
  if (report.importedButAltered.length > 0) {
    body.push(
      section(
        'Imported, but the copy lost or changed its subject or date',
        table(
          [{ label: 'Mailbox' }, { label: 'Zip entry', kind: 'wrap' }, { label: 'Subject in the export', kind: 'wrap' }, { label: 'Date in the export' }, { label: 'Subject in the destination', kind: 'wrap' }, { label: 'Sent in the destination' }, { label: 'Destination id', kind: 'wrap' }],
          report.importedButAltered.slice(0, LIST_LIMIT).map((a) => [a.source.mailbox, `${a.source.zip}: ${a.source.entry}`, a.source.subject, a.source.date, a.destination.subject, a.destination.sentDateTime, a.destination.id]),
        ),
        'The ledger recorded these as imported and the recorded message is in the folder, but Exchange kept it with other headers. They count as missing (and their copies as unexpected).',
      ),
    );
  }
  if (report.unexpected.length > 0) body.push(section('Unexpected in the destination', destinationTable(report.unexpected), limitNote(report.unexpected.length, 'unexpected.csv')));
  if (report.drafts.length > 0) {
    body.push(
      section(
        'Left behind in Drafts',
        table(
          [{ label: 'Mailbox' }, { label: 'Subject', kind: 'wrap' }, { label: 'Sent' }, { label: 'Matched by' }, { label: 'Copy of', kind: 'wrap' }],
          report.drafts.slice(0, LIST_LIMIT).map((d) => [d.mailbox, d.subject, d.sentDateTime, d.matchedBy, `${d.source.zip}: ${d.source.entry}`]),
        ),
        'An upload interrupted between create and move leaves a copy in Drafts. They can be deleted once the message is present in its folder.',
      ),
    );
  }
  if (report.warnings.length > 0) body.push(section('Warnings', list(report.warnings)));
  return page({
    title: 'eml-import reconciliation',
    subtitle: `${report.mailboxes.join(', ')} · ${report.withLedger ? 'with the import ledger' : 'without a ledger'} · ${report.generatedAt}`,
    body,
  });
}

function limitNote(count: number, file: string): string {
  return count > LIST_LIMIT ? `The first ${formatCount(LIST_LIMIT)} of ${formatCount(count)}; all are in ${file}.` : `Also in ${file}.`;
}

function folderTable(report: ReconcileReport): HtmlValue {
  // The Error column only when a folder could not be read: empty in every row it only costs width.
  const withError = report.folders.some((f) => f.error !== null);
  const columns: Column[] = [
    { label: 'Folder', kind: 'wrap' },
    { label: 'Source folders', kind: 'wrap' },
    { label: 'Export', kind: 'num' },
    { label: 'Spam', kind: 'num' },
    { label: 'Duplicates', kind: 'num' },
    { label: 'Expected', kind: 'num' },
    ...(report.withLedger ? [{ label: 'Imported (ledger)', kind: 'num' as const }] : []),
    { label: 'Present', kind: 'num' },
    { label: 'Items', kind: 'num' },
    { label: 'Missing', kind: 'num' },
    { label: 'Unexpected', kind: 'num' },
    ...(withError ? [{ label: 'Error', kind: 'error' as const }] : []),
  ];
  const rows: Row[] = [];
  for (const mailbox of report.mailboxes) {
    rows.push({ group: mailbox });
    for (const f of report.folders.filter((r) => r.mailbox === mailbox)) {
      const cells = folderCells(f, report.withLedger, withError);
      rows.push(rowHasMismatch(f) ? { className: 'mismatch', cells } : cells);
    }
  }
  const t = report.totals;
  const footer: (HtmlValue | Cell)[] = [
    'Total',
    '',
    formatCount(t.inExport),
    formatCount(t.spam),
    formatCount(t.duplicates),
    formatCount(t.expected),
    ...(report.withLedger ? [formatCount(report.folders.reduce((n, f) => n + (f.importedPerLedger ?? 0), 0))] : []),
    formatCount(t.present),
    '',
    formatCount(t.missing),
    formatCount(t.unexpected),
    ...(withError ? [''] : []),
  ];
  return table(columns, rows, footer);
}

function folderCells(f: ReconcileFolderRow, withLedger: boolean, withError: boolean): (HtmlValue | Cell)[] {
  const n = (value: number | null, bad = false): Cell => ({ value: value === null ? '—' : formatCount(value), className: value === 0 || value === null ? 'zero' : bad ? 'bad' : '' });
  return [
    f.folderPath ?? f.label,
    f.sourceFolders.map((s) => (s === '' ? '(top level)' : s)).join(', '),
    n(f.inExport),
    n(f.spam),
    n(f.duplicates),
    n(f.expected),
    ...(withLedger ? [n(f.importedPerLedger)] : []),
    n(f.present),
    n(f.totalItemCount),
    n(f.missing, true),
    n(f.unexpected, true),
    ...(withError ? [f.error ?? ''] : []),
  ];
}

function sourceTable(lines: readonly SourceLine[]): HtmlValue {
  return table(
    [{ label: 'Mailbox' }, { label: 'Source folder', kind: 'wrap' }, { label: 'Subject', kind: 'wrap' }, { label: 'Date' }, { label: 'Message-ID', kind: 'wrap' }, { label: 'Zip entry', kind: 'wrap' }, { label: 'Ledger' }],
    lines.slice(0, LIST_LIMIT).map((l) => [l.mailbox, l.folder === '' ? '(top level)' : l.folder, l.subject, l.date, l.messageId, `${l.zip}: ${l.entry}`, l.ledgerState]),
  );
}

function destinationTable(lines: readonly DestinationLine[]): HtmlValue {
  return table(
    [{ label: 'Mailbox' }, { label: 'Folder', kind: 'wrap' }, { label: 'Subject', kind: 'wrap' }, { label: 'Sent' }, { label: 'Message-ID', kind: 'wrap' }, { label: 'Destination id', kind: 'wrap' }],
    lines.slice(0, LIST_LIMIT).map((l) => [l.mailbox, l.folderPath || l.target, l.subject, l.sentDateTime, l.internetMessageId, l.id]),
  );
}
