/**
 * report.html: the run report as one self-contained page (inline CSS and SVG, no script, nothing fetched)
 * that an admin can open, mail around or print. Pure: report and lines in, document out.
 */
import type { Counts, MessageLine, MessageLines, RunReport, ZipReport } from './model.js';
import { leftOutNote, runColumnsLegend } from './column-legend.js';
import { foldersByZip, importedThisRun, linesOf } from './model.js';
import { formatBytes, formatCount, percentShares } from './format.js';
import { CROSS_CHECK_EXPLAINED, crossCheckNotes, dryRunNotes, zipNotes } from './notes.js';
import { columnChart, inlineBar, type Bar } from './html-charts.js';
import { html, list, page, section, table, tiles, type Cell, type Column, type HtmlValue, type Row, type SafeHtml, type Tile } from './html-kit.js';
import { verdict, verdictLevel } from './verdict.js';
import { dateSourceRows } from './date-sources.js';

/** Rows listed per problem table; the CSVs next to the page hold every row. */
const LIST_LIMIT = 500;

interface CountColumn {
  readonly label: string;
  readonly value: (c: Counts) => number;
  readonly bytes?: boolean;
  /** Shown even when it is zero throughout (the figures a reader looks for first). */
  readonly always?: boolean;
}

const MESSAGES: CountColumn = { label: 'Messages', value: (c) => c.messages, always: true };
const IMPORTABLE: CountColumn = { label: 'Importable', value: (c) => c.importable, always: true };
const SPAM: CountColumn = { label: 'Spam', value: (c) => c.spam };
const DUPLICATES: CountColumn = { label: 'Duplicates', value: (c) => c.duplicates };
const EXCLUDED: CountColumn = { label: 'Excluded', value: (c) => c.excluded };
const UNREADABLE: CountColumn = { label: 'Unreadable', value: (c) => c.unreadable };

const DRY_RUN_COLUMNS: readonly CountColumn[] = [
  MESSAGES,
  IMPORTABLE,
  SPAM,
  DUPLICATES,
  { label: 'Collisions', value: (c) => c.collisions },
  { label: 'Calendar', value: (c) => c.calendar },
  { label: 'Undated', value: (c) => c.undated },
  UNREADABLE,
  EXCLUDED,
  { label: 'Size', value: (c) => c.bytes, bytes: true, always: true },
  // With a tenant, a dry run also reads what the destination holds.
  { label: 'Found', value: (c) => c.alreadyPresent },
];

/**
 * The import's table keeps to what decides the outcome, so that it fits a 1280-pixel screen: collisions,
 * calendar items, undated messages and sizes are in the tiles above it and in the dry run's report.
 */
const IMPORT_COLUMNS: readonly CountColumn[] = [
  MESSAGES,
  { ...IMPORTABLE, label: 'Wanted' },
  SPAM,
  DUPLICATES,
  EXCLUDED,
  UNREADABLE,
  { label: 'Imported', value: importedThisRun, always: true },
  { label: 'Earlier', value: (c) => c.importedEarlier },
  { label: 'Found', value: (c) => c.alreadyPresent },
  { label: 'Failed', value: (c) => c.failed, always: true },
  { label: 'Pending', value: (c) => c.pending, always: true },
];

/** The columns of the folder table: a column that is zero in every row says nothing and costs width. */
function countColumns(report: RunReport): CountColumn[] {
  const columns = report.mode === 'import' ? IMPORT_COLUMNS : DRY_RUN_COLUMNS;
  return columns.filter((c) => c.always || c.value(report.totals) > 0);
}

function countCells(columns: readonly CountColumn[], counts: Counts): Cell[] {
  return columns.map((col) => {
    const n = col.value(counts);
    return { value: col.bytes ? formatBytes(n) : formatCount(n), className: n === 0 ? 'zero' : '' };
  });
}

const folderName = (folder: string): HtmlValue => (folder === '' ? html`<em>(top level)</em>` : folder);

function zipHeading(zip: ZipReport): HtmlValue {
  return zip.mailbox ? html`${zip.zip} → ${zip.mailbox}` : zip.zip;
}

function folderTable(report: RunReport): SafeHtml {
  const columns = countColumns(report);
  const head: Column[] = [{ label: 'Folder', kind: 'name' }, ...columns.map((c): Column => ({ label: c.label, kind: 'num' }))];
  const rows: Row[] = [];
  const byZip = foldersByZip(report);
  for (const zip of report.zips) {
    const folders = byZip.get(zip.zip) ?? [];
    rows.push({ group: zipHeading(zip) });
    for (const f of folders) rows.push([folderName(f.folder), ...countCells(columns, f)]);
    if (folders.length !== 1) rows.push({ className: 'subtotal', cells: ['Zip total', ...countCells(columns, zip.totals)] });
  }
  return table(head, rows, ['Total', ...countCells(columns, report.totals)]);
}

function folderNote(report: RunReport): string {
  const base = 'Counts per source folder. Importable means not spam, not a duplicate and not excluded; collisions are kept.';
  const shown = countColumns(report);
  const run = report.mode === 'import' ? ` ${runColumnsLegend(shown.map((c) => c.label))}` : '';
  const hidden = shown.length < (report.mode === 'import' ? IMPORT_COLUMNS : DRY_RUN_COLUMNS).length;
  const keptAtZero = shown.filter((c) => c.value(report.totals) === 0).map((c) => c.label);
  return `${base}${run}${hidden ? ` ${leftOutNote(keptAtZero)}; the figures above give every total.` : ''}`;
}

function totalTiles(report: RunReport): SafeHtml {
  const t = report.totals;
  const tone = (n: number, bad: Tile['tone']): Tile['tone'] => (n > 0 ? bad : 'muted');
  const scan: Tile[] = [
    { label: 'Messages', value: formatCount(t.messages) },
    { label: report.mode === 'dry-run' ? 'Would be imported' : 'Wanted', value: formatCount(t.importable), tone: 'good' },
    { label: 'Spam', value: formatCount(t.spam), tone: tone(t.spam, 'warn') },
    { label: 'Duplicates', value: formatCount(t.duplicates), tone: tone(t.duplicates, 'neutral') },
    { label: 'Collisions (kept)', value: formatCount(t.collisions), tone: tone(t.collisions, 'warn') },
    { label: 'Calendar items', value: formatCount(t.calendar), tone: tone(t.calendar, 'neutral') },
    { label: 'Undated', value: formatCount(t.undated), tone: tone(t.undated, 'neutral') },
    { label: 'Unreadable', value: formatCount(t.unreadable), tone: tone(t.unreadable, 'bad') },
    { label: 'Size', value: formatBytes(t.bytes) },
  ];
  if (t.excluded > 0) scan.splice(2, 0, { label: 'Excluded by filter', value: formatCount(t.excluded) });
  if (report.mode === 'dry-run') {
    if (t.alreadyPresent > 0) scan.splice(2, 0, { label: 'Already in the destination', value: formatCount(t.alreadyPresent), tone: 'neutral' });
    return tiles(scan);
  }
  const run: Tile[] = [
    { label: 'Imported in this run', value: formatCount(importedThisRun(t)), tone: tone(importedThisRun(t), 'good') },
    { label: 'Imported by an earlier run', value: formatCount(t.importedEarlier), tone: tone(t.importedEarlier, 'good') },
    { label: 'Already in the destination', value: formatCount(t.alreadyPresent), tone: tone(t.alreadyPresent, 'neutral') },
    { label: 'Failed', value: formatCount(t.failed), tone: tone(t.failed, 'bad') },
    { label: 'Pending', value: formatCount(t.pending), tone: tone(t.pending, 'warn') },
  ];
  return html`${tiles(run)}${tiles(scan)}`;
}

function spamSection(report: RunReport): SafeHtml {
  const rules = Object.entries(report.spamByRule).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (rules.length === 0) return section('Spam by rule', html`<p>No message was classified as spam.</p>`);
  const max = Math.max(...rules.map(([, n]) => n));
  const shares = percentShares(rules.map(([, n]) => n));
  const rows: Row[] = rules.map(([rule, n], i) => [rule, formatCount(n), `${shares[i] ?? 0}%`, inlineBar(n, max)]);
  return section(
    'Spam by rule',
    table([{ label: 'Rule' }, { label: 'Messages', kind: 'num' }, { label: 'Share', kind: 'num' }, { label: '' }], rows),
    'Spam is not imported. Every dropped message is listed with its rule in spam.csv.',
  );
}

/** Years in order, then 'undated' as its own, greyed bar. */
export function yearBars(perYear: Readonly<Record<string, number>>): Bar[] {
  const years = Object.keys(perYear).filter((k) => k !== 'undated').sort();
  const bars: Bar[] = years.map((y) => ({ label: y, value: perYear[y] ?? 0 }));
  const undated = perYear['undated'];
  if (undated !== undefined) bars.push({ label: 'undated', value: undated, muted: true });
  return bars;
}

function yearSection(report: RunReport): SafeHtml {
  const bars = yearBars(report.messagesPerYear);
  if (bars.length === 0) return section('Messages per year', html`<p>No messages.</p>`);
  return section('Messages per year', columnChart(bars, 'Messages per year of their date'), 'By the year of the Date header, in UTC. Spam and duplicates included.');
}

/** The first LIST_LIMIT lines that `keep` picks, and a note when there are more: the page stays small. */
function limited(lines: Iterable<MessageLine>, keep: (line: MessageLine) => boolean, csv: string): { shown: readonly MessageLine[]; note: HtmlValue } {
  const shown: MessageLine[] = [];
  let count = 0;
  for (const line of lines) {
    if (!keep(line)) continue;
    count += 1;
    if (shown.length < LIST_LIMIT) shown.push(line);
  }
  return { shown, note: count > LIST_LIMIT ? `First ${formatCount(LIST_LIMIT)} of ${formatCount(count)}; all are in ${csv}.` : undefined };
}

/**
 * The error without the zip and entry it starts with ('/exports/ann.zip: Inbox/1.eml: CRC-32 mismatch'):
 * the row's own columns already say which entry it is.
 */
export function withoutPlace(line: Pick<MessageLine, 'entry' | 'error'>): string {
  const marker = `: ${line.entry}: `;
  const at = line.error.indexOf(marker);
  return at >= 0 ? line.error.slice(at + marker.length) : line.error;
}

/** What the import will do with what the counts do not show, and the export log's cross-check. */
function notesSection(report: RunReport): SafeHtml {
  const notes = dryRunNotes(report, '');
  const checks = crossCheckNotes(report);
  const parts: SafeHtml[] = [];
  if (notes.length > 0) parts.push(section('What the import will do', list(notes, 'notes')));
  const about = zipNotes(report);
  if (about.length > 0) parts.push(section('About the zips', list(about.map((c) => html`<strong>${c.zip}</strong>: ${c.text}`), 'notes')));
  if (checks.length > 0) parts.push(section('Export log cross-check', list(checks.map((c) => html`<strong>${c.zip}</strong>: ${c.text}`), 'notes'), CROSS_CHECK_EXPLAINED));
  return html`${parts}`;
}

function attentionSection(report: RunReport, lines: MessageLines | undefined): SafeHtml {
  const parts: SafeHtml[] = [];
  const zipProblems: HtmlValue[] = [];
  for (const z of report.zips) {
    if (z.archiveError) zipProblems.push(html`<strong>${z.zip}</strong>: archive error: <span class="error">${z.archiveError}</span>`);
    const missing = report.missingMailboxes.find((m) => m.mailbox === z.mailbox);
    if (missing) zipProblems.push(html`<strong>${z.zip}</strong>: <span class="error">${missing.reason}</span>`);
  }
  if (zipProblems.length > 0) parts.push(list(zipProblems));
  const notLanded = report.exportsNotLanded ?? [];
  if (notLanded.length > 0) {
    parts.push(html`<h3>Exports that did not land</h3>`, table(
      [{ label: 'Mailbox' }, { label: 'WorkMail user' }, { label: 'Job' }, { label: 'State' }, { label: 'ErrorInfo', kind: 'error' }, { label: 'Next step', kind: 'wrap' }],
      notLanded.map((e) => [e.mailbox, e.user ?? '', e.jobId ?? '', e.state ?? 'no job', e.errorInfo ?? e.reason, e.next]),
    ));
  }

  // Each list is a pass over every line; the totals say when there is nothing to find.
  const unreadable = limited(report.totals.unreadable > 0 && lines ? linesOf(lines, 'unreadable') : [], (l) => l.verdict === 'unreadable', 'messages.csv');
  if (unreadable.shown.length > 0) {
    const { shown, note } = unreadable;
    parts.push(html`<h3>Unreadable entries</h3>`, table(
      [{ label: 'Zip' }, { label: 'Entry', kind: 'wrap' }, { label: 'Size', kind: 'num' }, { label: 'Error', kind: 'error' }],
      shown.map((l) => [l.zip, l.entry, formatBytes(l.size), withoutPlace(l)]),
    ));
    if (note) parts.push(html`<p class="note">${note}</p>`);
  } else if (report.totals.unreadable > 0) {
    parts.push(html`<p>${formatCount(report.totals.unreadable)} entries could not be read; they are listed with their error in messages.csv.</p>`);
  }

  const failed = limited(report.mode === 'import' && report.totals.failed > 0 && lines ? linesOf(lines, 'failed') : [], (l) => l.state === 'failed', 'failed.csv');
  if (failed.shown.length > 0) {
    const { shown, note } = failed;
    parts.push(html`<h3>Failed messages</h3>`, table(
      [{ label: 'Zip' }, { label: 'Folder', kind: 'wrap' }, { label: 'Subject', kind: 'wrap' }, { label: 'Date' }, { label: 'Error', kind: 'error' }],
      shown.map((l) => [l.zip, folderName(l.folder), l.subject, l.date, withoutPlace(l)]),
    ));
    if (note) parts.push(html`<p class="note">${note}</p>`);
  } else if (report.mode === 'import' && report.totals.failed > 0) {
    parts.push(html`<p>${formatCount(report.totals.failed)} messages failed; they are listed with their error in failed.csv.</p>`);
  }
  if (parts.length === 0) return html``;
  return section('Needs attention', parts);
}

function zipSection(report: RunReport): SafeHtml {
  // A dry run without a tenant has no mailbox for any zip: no column that is empty in every row.
  const withMailbox = report.zips.some((z) => z.mailbox !== null);
  const rows: Row[] = report.zips.map((z) => [
    z.zip,
    ...(withMailbox ? [z.mailbox ?? ''] : []),
    z.path,
    formatCount(z.totals.messages),
    formatBytes(z.totals.bytes),
    z.archiveError ? { value: z.archiveError, className: 'error' } : 'ok',
  ]);
  return section('Export zips', table(
    [{ label: 'Zip' }, ...(withMailbox ? [{ label: 'Mailbox' }] : []), { label: 'Path', kind: 'wrap' }, { label: 'Messages', kind: 'num' }, { label: 'Size', kind: 'num' }, { label: 'Archive' }],
    rows,
  ));
}

function dateSection(report: RunReport): HtmlValue {
  const rows = dateSourceRows(report);
  if (rows.length === 0) return undefined;
  const defects = report.totals.headerDefects;
  return section(
    'How messages were dated',
    table([{ label: 'Dated' }, { label: 'Messages', kind: 'num' }], rows.map(([label, n]) => [label, formatCount(n)])),
    `A zone read as UTC follows RFC 5322 §4.3; the destination may read such a date otherwise.${defects > 0 ? ` ${formatCount(defects)} messages had header lines that are not fields; reading went on to the blank line.` : ''}`,
  );
}

function methodSection(report: RunReport): HtmlValue {
  const methods = Object.entries(report.methods).sort((a, b) => b[1] - a[1]);
  if (report.mode !== 'import' || methods.length === 0) return undefined;
  return section('Upload methods', table([{ label: 'Method' }, { label: 'Messages', kind: 'num' }], methods.map(([m, n]) => [m, formatCount(n)])));
}

/** The whole report page. Pass the message lines to list unreadable entries and failed messages by name. */
export function renderHtml(report: RunReport, lines?: MessageLines): string {
  const title = report.mode === 'dry-run' ? 'eml-import dry-run report' : 'eml-import import report';
  const mailboxes = [...new Set(report.zips.map((z) => z.mailbox).filter((m): m is string => m !== null))];
  const body = html`<p class="verdict ${verdictLevel(report)}">${verdict(report, '')}</p>
${totalTiles(report)}
${attentionSection(report, lines)}
${notesSection(report)}
${section('Folders', folderTable(report), folderNote(report))}
${spamSection(report)}
${yearSection(report)}
${dateSection(report)}
${methodSection(report)}
${zipSection(report)}`;
  return page({
    title,
    subtitle: `${formatCount(report.zips.length)} export zip${report.zips.length === 1 ? '' : 's'}${mailboxes.length > 0 ? ` for ${mailboxes.join(', ')}` : ''} · generated ${report.generatedAt}`,
    body,
    footer: 'Generated by eml-import from its ledger. The CSV files next to this page list every message.',
  });
}
