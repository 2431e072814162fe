/**
 * The terminal summary: one aligned table of folders grouped by zip, the totals, spam by rule, the problems
 * that need a human, and a one-line verdict. Pure: report in, text out; the caller decides where it goes.
 */
import { leftOutNote, runColumnsLegend } from './column-legend.js';
import type { Counts, FolderReport, RunReport, ZipReport } from './model.js';
import { foldersByZip, importedThisRun } from './model.js';
import { CROSS_CHECK_EXPLAINED, crossCheckNotes, dryRunNotes, zipNotes } from './notes.js';
import { formatBytes, formatCount, plural } from './format.js';
import { verdict, verdictLevel } from './verdict.js';
import { displayWidth, padToWidth, terminalSafe, truncateToWidth } from './text-width.js';
import { painter, type Tone } from './tone.js';
import { dateSourceRows } from './date-sources.js';

export interface SummaryOptions {
  /** ANSI colours; false for pipes, files and NO_COLOR. */
  readonly color: boolean;
  /** Terminal columns the table should fit in (long folder names are shortened). Default 120. */
  readonly width?: number;
  /** Where --report wrote its files, so the verdict can point at them. */
  readonly reportDir?: string;
}

interface Column {
  readonly header: string;
  readonly value: (c: Counts) => number;
  readonly format?: (n: number) => string;
  /** Tone of a non-zero value. */
  readonly tone?: Tone;
  /** Kept in an import's table even when zero throughout (the others give way so the table fits). */
  readonly always?: boolean;
}

const DRY_RUN_COLUMNS: readonly Column[] = [
  { header: 'Messages', value: (c) => c.messages, always: true },
  { header: 'Importable', value: (c) => c.importable, always: true },
  { header: 'Spam', value: (c) => c.spam, tone: 'warn' },
  { header: 'Duplicates', value: (c) => c.duplicates },
  { header: 'Collisions', value: (c) => c.collisions, tone: 'warn' },
  { header: 'Calendar', value: (c) => c.calendar },
  { header: 'Undated', value: (c) => c.undated },
  { header: 'Unreadable', value: (c) => c.unreadable, tone: 'bad' },
  { header: 'Size', value: (c) => c.bytes, format: formatBytes, always: true },
];

const EXCLUDED_COLUMN: Column = { header: 'Excluded', value: (c) => c.excluded };
/** A dry run with a tenant reads what the destination already holds. */
const FOUND_COLUMN: Column = { header: 'Found', value: (c) => c.alreadyPresent };

const IMPORT_COLUMNS: readonly Column[] = [
  { header: 'Imported', value: importedThisRun, tone: 'good', always: true },
  { header: 'Earlier', value: (c) => c.importedEarlier },
  { header: 'Found', value: (c) => c.alreadyPresent },
  { header: 'Failed', value: (c) => c.failed, tone: 'bad', always: true },
  { header: 'Pending', value: (c) => c.pending, tone: 'warn', always: true },
];

const GAP = '  ';
const INDENT = '  ';
const MIN_FOLDER_WIDTH = 12;

interface Row {
  readonly label: string;
  /** Folder rows sit under their zip's title. */
  readonly nested: boolean;
  readonly counts: Counts;
  readonly strong: boolean;
}

/** Renders the end-of-run summary for the terminal. */
export function renderSummary(report: RunReport, options: SummaryOptions): string {
  const paint = painter(options.color);
  const columns = columnsFor(report);
  const byZip = foldersByZip(report);
  const groups = report.zips.map((zip) => ({ zip, rows: rowsOf(byZip.get(zip.zip) ?? [], zip) }));
  const allRows: Row[] = [...groups.flatMap((g) => g.rows), { label: 'Total', nested: false, counts: report.totals, strong: true }];

  const widths = columns.map((col) => Math.max(col.header.length, ...allRows.map((r) => cell(col, r.counts).length)));
  const numericWidth = widths.reduce((sum, w) => sum + w + GAP.length, 0);
  const wanted = Math.max(displayWidth('Folder'), ...allRows.map((r) => displayWidth(r.label) + (r.nested ? INDENT.length : 0)));
  const room = (options.width ?? 120) - INDENT.length - numericWidth;
  const folderWidth = Math.min(wanted, Math.max(MIN_FOLDER_WIDTH, room));

  const line = (label: string, nested: boolean, values: readonly string[], tone: (i: number) => Tone, labelTone: Tone): string => {
    const indent = nested ? INDENT : '';
    const room = folderWidth - indent.length;
    const left = indent + paint(padToWidth(truncateToWidth(label, room, 'middle'), room), labelTone);
    const right = values.map((v, i) => GAP + paint(padToWidth(v, widths[i] ?? 0, 'right'), tone(i)));
    return (INDENT + left + right.join('')).trimEnd();
  };
  const countsLine = (row: Row): string =>
    line(
      row.label,
      row.nested,
      columns.map((col) => cell(col, row.counts)),
      (i) => {
        const col = columns[i];
        if (!col) return 'plain';
        if (col.value(row.counts) === 0) return 'dim';
        return col.tone ?? (row.strong ? 'strong' : 'plain');
      },
      row.strong ? 'strong' : 'plain',
    );

  const out: string[] = [heading(report), ''];
  out.push(line('Folder', false, columns.map((c) => c.header), () => 'strong', 'strong'));
  for (const { zip, rows } of groups) {
    out.push(paint(zipTitle(zip), 'strong'));
    for (const row of rows) out.push(countsLine(row));
  }
  out.push(countsLine(allRows[allRows.length - 1]!));
  if (report.mode === 'import') {
    const hidden = columns.length < DRY_RUN_COLUMNS.length + IMPORT_COLUMNS.length + (report.totals.excluded > 0 ? 1 : 0);
    const keptAtZero = columns.filter((col) => col.value(report.totals) === 0).map((col) => col.header);
    out.push(paint(`${INDENT}${runColumnsLegend(columns.map((col) => col.header))}${hidden ? ` ${leftOutNote(keptAtZero)}.` : ''}`, 'dim'));
  }

  const spam = spamLines(report);
  if (spam.length > 0) out.push('', paint('Spam by rule', 'strong'), ...spam);
  const dates = datesLine(report);
  if (dates !== undefined) out.push('', dates);
  const notes = dryRunNotes(report, options.reportDir);
  if (notes.length > 0) out.push('', paint('What the import will do', 'strong'), ...notes.map((n) => `${INDENT}${terminalSafe(n)}`));
  const about = zipNotes(report);
  if (about.length > 0) out.push('', paint('About the zips', 'strong'), ...about.map((c) => `${INDENT}${terminalSafe(c.zip)}: ${terminalSafe(c.text)}`));
  const checks = crossCheckNotes(report);
  if (checks.length > 0) {
    out.push('', paint('Export log cross-check', 'strong'), ...checks.map((c) => `${INDENT}${terminalSafe(c.zip)}: ${terminalSafe(c.text)}`), paint(`${INDENT}${CROSS_CHECK_EXPLAINED}`, 'dim'));
  }
  const problems = problemLines(report);
  if (problems.length > 0) out.push('', paint('Needs attention', 'bad'), ...problems.map((p) => paint(p, 'bad')));
  out.push('', paint(verdict(report, options.reportDir), verdictLevel(report)));
  return out.join('\n') + '\n';
}

function columnsFor(report: RunReport): Column[] {
  const columns = [...DRY_RUN_COLUMNS];
  // Shown only when a filter left something out, so the common table stays narrow yet nothing hides.
  if (report.totals.excluded > 0) columns.splice(2, 0, EXCLUDED_COLUMN);
  if (report.mode !== 'import') return report.totals.alreadyPresent > 0 ? [...columns, FOUND_COLUMN] : columns;
  // An import's table has up to 15 columns: those that are zero in every row give way, so it fits a
  // terminal; the dry run's table keeps them all, since 'none unreadable' is what it is run to learn.
  return [...columns, ...IMPORT_COLUMNS].filter((col) => col.always || col.value(report.totals) > 0);
}

function cell(col: Column, counts: Counts): string {
  return (col.format ?? formatCount)(col.value(counts));
}

function rowsOf(folders: readonly FolderReport[], zip: ZipReport): Row[] {
  const rows: Row[] = folders.map((f) => ({ label: terminalSafe(f.folder === '' ? '(top level)' : f.folder), nested: true, counts: f, strong: false }));
  if (folders.length !== 1) rows.push({ label: 'Zip total', nested: true, counts: zip.totals, strong: false });
  return rows;
}

function zipTitle(zip: ZipReport): string {
  const name = terminalSafe(zip.zip);
  return zip.mailbox ? `${INDENT}${name} → ${terminalSafe(zip.mailbox)}` : `${INDENT}${name}`;
}

function heading(report: RunReport): string {
  const kind = report.mode === 'dry-run' ? 'Dry run' : 'Import';
  const t = report.totals;
  return `${kind}: ${plural(report.zips.length, 'zip')}, ${plural(t.messages, 'message')}, ${formatBytes(t.bytes)} (${report.generatedAt})`;
}

function spamLines(report: RunReport): string[] {
  const rules = Object.entries(report.spamByRule).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const width = Math.max(0, ...rules.map(([rule]) => displayWidth(terminalSafe(rule))));
  return rules.map(([rule, n]) => `${INDENT}${padToWidth(terminalSafe(rule), width)}${GAP}${formatCount(n)}`);
}

/** One line: how the messages were dated, and how many header blocks held lines that are not fields. */
function datesLine(report: RunReport): string | undefined {
  const parts = dateSourceRows(report).map(([label, n]) => `${formatCount(n)} ${label}`);
  if (parts.length === 0) return undefined;
  const defects = report.totals.headerDefects;
  const tail = defects > 0 ? `; ${plural(defects, 'message')} with header lines that are not fields (read past)` : '';
  return `${INDENT}Dated: ${parts.join(', ')}${tail}`;
}

function problemLines(report: RunReport): string[] {
  const out: string[] = [];
  for (const zip of report.zips) {
    const name = terminalSafe(zip.zip);
    if (zip.archiveError) out.push(`${INDENT}! ${name}: archive error: ${terminalSafe(zip.archiveError)}`);
    if (zip.totals.unreadable > 0) out.push(`${INDENT}! ${name}: ${plural(zip.totals.unreadable, 'entry', 'entries')} unreadable`);
    const missing = report.missingMailboxes.find((m) => m.mailbox === zip.mailbox);
    if (missing) out.push(`${INDENT}! ${name}: ${terminalSafe(missing.reason)}`);
    else if (report.mode === 'import' && zip.totals.failed > 0) out.push(`${INDENT}! ${name}: ${plural(zip.totals.failed, 'message')} failed to import`);
  }
  for (const e of report.exportsNotLanded ?? []) out.push(`${INDENT}! ${terminalSafe(e.mailbox)}: not imported: ${terminalSafe(e.reason)}`);
  return out;
}
