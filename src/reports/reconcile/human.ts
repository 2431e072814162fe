/**
 * Reconcile for people: the per-folder table for the terminal, and the combined listing with one sigil per
 * message (rclone check's `= - + * !`). Pure: report in, text out.
 */
import type { DestinationLine, ReconcileFolderRow, ReconcileReport, ReconcileTotals, SourceLine } from './model.js';
import { isComplete, rowHasMismatch } from './model.js';
import { formatCount, plural } from '../format.js';
import { displayWidth, padToWidth, terminalSafe, truncateToWidth } from '../text-width.js';
import { painter, type Tone } from '../tone.js';

export interface ReconcileRenderOptions {
  /** ANSI colours; false for pipes, files and NO_COLOR. */
  readonly color: boolean;
  /** Terminal columns the table should fit in. Default 120. */
  readonly width?: number;
  /** Messages listed per category before "… and N more" (the CSVs have them all). Default 20. */
  readonly listLimit?: number;
}

type Figures = Pick<ReconcileFolderRow, 'inExport' | 'spam' | 'duplicates' | 'expected' | 'importedPerLedger' | 'present' | 'totalItemCount' | 'missing' | 'unexpected'>;

interface Column {
  readonly header: string;
  readonly value: (f: Figures) => number | null;
  /** Tone of a non-zero value. */
  readonly tone?: Tone;
}

const COLUMNS: readonly Column[] = [
  { header: 'Export', value: (f) => f.inExport },
  { header: 'Spam', value: (f) => f.spam },
  { header: 'Duplicates', value: (f) => f.duplicates },
  { header: 'Expected', value: (f) => f.expected },
  { header: 'Imported', value: (f) => f.importedPerLedger },
  { header: 'Present', value: (f) => f.present, tone: 'good' },
  { header: 'Items', value: (f) => f.totalItemCount },
  { header: 'Missing', value: (f) => f.missing, tone: 'bad' },
  { header: 'Unexpected', value: (f) => f.unexpected, tone: 'warn' },
];

const GAP = '  ';
const INDENT = '  ';
const MIN_LABEL_WIDTH = 12;
/** Marks a row with a difference; plain text so it survives without colour. */
const MISMATCH = '!';

/** The terminal table and the lists of what is wrong, ending with a one-line verdict. */
export function renderReconcile(report: ReconcileReport, options: ReconcileRenderOptions): string {
  const paint = painter(options.color);
  // The ledger column is shown only when there was a ledger: "—" everywhere would say nothing.
  const columns = COLUMNS.filter((c) => c.header !== 'Imported' || report.withLedger);
  const totals = totalFigures(report.totals, report);
  const allFigures: Figures[] = [...report.folders, totals];
  const widths = columns.map((c) => Math.max(c.header.length, ...allFigures.map((f) => cellText(c.value(f)).length)));
  const numeric = widths.reduce((n, w) => n + w + GAP.length, 0);
  const wanted = Math.max(displayWidth('Folder'), ...report.folders.map((f) => displayWidth(terminalSafe(rowName(f)))));
  const labelWidth = Math.min(wanted, Math.max(MIN_LABEL_WIDTH, (options.width ?? 120) - INDENT.length - 2 - numeric));

  const line = (mark: string, label: string, figures: Figures | null, strong: boolean): string => {
    const left = paint(padToWidth(truncateToWidth(label, labelWidth, 'middle'), labelWidth), strong ? 'strong' : 'plain');
    const right = columns.map((c, i) => {
      const value = figures ? c.value(figures) : null;
      const text = figures ? cellText(value) : c.header;
      const tone: Tone = !figures ? 'strong' : value === 0 || value === null ? 'dim' : (c.tone ?? (strong ? 'strong' : 'plain'));
      return GAP + paint(padToWidth(text, widths[i] ?? 0, 'right'), tone);
    });
    return (INDENT + paint(mark.padEnd(2), 'bad') + left + right.join('')).trimEnd();
  };

  const out: string[] = [heading(report), '', line('', 'Folder', null, true)];
  for (const mailbox of report.mailboxes) {
    out.push(paint(`${INDENT}${terminalSafe(mailbox)}`, 'strong'));
    for (const row of report.folders.filter((f) => f.mailbox === mailbox)) {
      out.push(line(rowHasMismatch(row) ? MISMATCH : '', terminalSafe(rowName(row)), row, false));
    }
  }
  out.push(line('', 'Total', totals, true));

  const limit = options.listLimit ?? 20;
  const errors = report.folders.filter((f) => f.error !== null);
  section(out, paint, 'Folders that could not be read', errors.map((f) => `${f.mailbox}: ${rowName(f)}: ${f.error ?? ''}`), limit, 'bad');
  section(out, paint, 'Missing from the destination (in missing.csv)', report.missing.map(sourceText), limit, 'bad');
  section(out, paint, 'Recorded as imported by the ledger, but not there', report.ledgerImportedButAbsent.map(sourceText), limit, 'bad');
  section(
    out,
    paint,
    'Imported, but the copy in the destination lost or changed its subject or date',
    report.importedButAltered.map((a) => `${sourceText(a.source)} is now "${a.destination.subject}" ${a.destination.sentDateTime} (${a.destination.id})`),
    limit,
    'bad',
  );
  section(out, paint, 'Missing from their folder, but in another folder of the mailbox (moved)', (report.moved ?? []).map((m) => `${sourceText(m.source)} is in ${m.folderPath}`), limit, 'warn');
  section(out, paint, 'In their folder twice (a second copy of a present message; in unexpected.csv)', (report.doubled ?? []).map(destinationText), limit, 'warn');
  section(out, paint, 'Unexpected in the destination (in unexpected.csv)', report.unexpected.map(destinationText), limit, 'warn');
  section(out, paint, 'Left behind in Drafts by an interrupted upload', report.drafts.map((d) => `${destinationText(d)} (copy of ${d.source.zip}: ${d.source.entry})`), limit, 'warn');
  section(out, paint, 'Warnings', [...report.warnings], limit, 'warn');
  out.push('', paint(verdictText(report), verdictTone(report)));
  return out.join('\n') + '\n';
}

/** The folder as Outlook shows it when it exists (`Inbox/Projects`), else the target the import would create. */
function rowName(row: ReconcileFolderRow): string {
  return row.folderPath ?? row.label;
}

function cellText(value: number | null): string {
  return value === null ? '—' : formatCount(value);
}

function totalFigures(t: ReconcileTotals, report: ReconcileReport): Figures {
  const items = report.folders.map((f) => f.totalItemCount).filter((n): n is number => n !== null);
  return {
    inExport: t.inExport,
    spam: t.spam,
    duplicates: t.duplicates,
    expected: t.expected,
    importedPerLedger: report.withLedger ? report.folders.reduce((n, f) => n + (f.importedPerLedger ?? 0), 0) : null,
    present: t.present,
    totalItemCount: items.length === 0 ? null : items.reduce((a, b) => a + b, 0),
    missing: t.missing,
    unexpected: t.unexpected,
  };
}

function section(out: string[], paint: (text: string, tone: Tone) => string, title: string, items: readonly string[], limit: number, tone: Tone): void {
  if (items.length === 0) return;
  out.push('', paint(`${title}: ${formatCount(items.length)}`, tone));
  for (const item of items.slice(0, limit)) out.push(`${INDENT}${terminalSafe(item)}`);
  if (items.length > limit) out.push(`${INDENT}… and ${formatCount(items.length - limit)} more`);
}

function sourceText(s: SourceLine): string {
  const ledger = s.ledgerState === '' ? '' : `, ledger: ${s.ledgerState}`;
  return `${s.mailbox}: ${s.target}: "${s.subject}" ${s.date || '(undated)'} ${s.messageId} (${s.zip}: ${s.entry}${ledger})`.replace(/ {2,}/g, ' ');
}

function destinationText(d: DestinationLine): string {
  return `${d.mailbox}: ${d.folderPath || d.target}: "${d.subject}" ${d.sentDateTime || '(no date)'} ${d.internetMessageId}`.trimEnd().replace(/ {2,}/g, ' ');
}

function heading(report: ReconcileReport): string {
  const ledger = report.withLedger ? 'with the import ledger' : 'without a ledger (source and destination only)';
  return `Reconcile: ${plural(report.mailboxes.length, 'mailbox', 'mailboxes')}, ${plural(report.totals.expected, 'message')} expected, ${ledger} (${report.generatedAt})`;
}

/** One sentence an admin can act on. */
export function verdictText(report: ReconcileReport): string {
  const t = report.totals;
  const unreadable = report.folders.filter((f) => f.error !== null).length;
  if (isComplete(report)) {
    const doubled = report.doubled?.length ?? 0;
    if (doubled > 0) {
      const others = t.unexpected - doubled;
      const also = others > 0 ? ` (also: ${plural(others, 'other unexpected message')})` : '';
      return `Complete, but ${plural(doubled, 'message')} ${doubled === 1 ? 'is' : 'are'} in the destination twice (listed above): all ${formatCount(t.expected)} expected messages are there${also}.`;
    }
    const extras = [
      t.unexpected > 0 ? `${plural(t.unexpected, 'unexpected message')} in the destination` : '',
      t.drafts > 0 ? `${plural(t.drafts, 'left-over draft')} in Drafts` : '',
    ].filter(Boolean);
    return `Complete: all ${formatCount(t.expected)} expected messages are in the destination${extras.length > 0 ? ` (also: ${extras.join(', ')})` : ''}.`;
  }
  const parts = t.missing > 0 ? [`${plural(t.missing, 'expected message')} missing`] : [];
  if (unreadable > 0) parts.push(`${plural(unreadable, 'folder')} could not be read`);
  if (t.unreadable > 0) parts.push(`${plural(t.unreadable, 'source entry', 'source entries')} could not be read, so what they hold cannot be checked`);
  return `Incomplete: ${parts.join(', ')}.${advice(t, report)}`;
}

function advice(t: ReconcileTotals, report: ReconcileReport): string {
  if (t.missing === 0) return '';
  // Moved or archived messages are in the mailbox: importing them again would put a second copy there.
  const elsewhere = new Set([...(report.moved ?? []).map((m) => m.source), ...(report.notInPrimary ?? [])].map((s) => `${s.mailbox}\u0000${s.zip}\u0000${s.entry}`));
  if (elsewhere.size > 0) {
    const lost = t.missing - elsewhere.size;
    const kept = ` ${formatCount(elsewhere.size)} of them are elsewhere in the mailbox (moved or archived, listed above): an import would put a second copy of those in their folder.`;
    return lost > 0 ? `${kept} For the other ${formatCount(lost)}: move those back first (or accept a second copy), then import again with a new --state and reconcile again.` : kept;
  }
  const recorded = (t.ledgerImportedButAbsent ?? 0) + (t.importedButAltered ?? 0);
  // A resumed import trusts its ledger: rows it recorded as imported are never looked at again.
  if (recorded > 0) return ` The ledger records ${formatCount(recorded)} of them as imported, so resuming skips them: import again with a new --state (what is already there is recognised, not sent twice), then reconcile again.`;
  return ' Import again (it resumes, recognises what is already there and sends the rest), then reconcile again.';
}

function verdictTone(report: ReconcileReport): Tone {
  if (!isComplete(report)) return 'bad';
  return report.totals.unexpected > 0 || report.totals.drafts > 0 || report.warnings.length > 0 ? 'warn' : 'good';
}

/**
 * Every message on one line with a sigil, as rclone check's combined output: `=` present, `*` present by a
 * weaker match (Message-ID, or subject of an undated message), `-` missing from the destination, `+` only
 * in the destination (left-over drafts included), `!` a folder that could not be read.
 */
export function renderReconcileCombined(report: ReconcileReport): string {
  const lines: string[] = [];
  for (const f of report.folders) if (f.error !== null) lines.push(`! ${f.mailbox}: ${f.label}: ${f.error}`);
  for (const p of report.present) lines.push(`${p.by === 'fingerprint' ? '=' : '*'} ${sourceText(p.source)} -> ${p.destinationId}`);
  for (const s of report.missing) lines.push(`- ${sourceText(s)}`);
  for (const d of report.unexpected) lines.push(`+ ${destinationText(d)} ${d.id}`);
  for (const d of report.drafts) lines.push(`+ ${destinationText(d)} ${d.id} (left-over draft of ${d.source.zip}: ${d.source.entry})`);
  // One message per line: a subject cannot break a line or smuggle a sigil onto the next one. Nor, read
  // with cat or less -R, can an escape sequence in it erase a '-' line and draw a '=' over it.
  return lines.map((l) => terminalSafe(l.replace(/[\r\n]+/g, ' '))).join('\n') + (lines.length > 0 ? '\n' : '');
}
