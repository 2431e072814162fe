/**
 * Building blocks for self-contained report pages (the run report, the reconciliation page): escaping,
 * a page shell with the shared stylesheet, sections, number tiles and tables.
 *
 * Safe by default: plain strings are always escaped; only SafeHtml (from the `html` template or `raw`)
 * passes through. Data in these pages comes from the mail (subjects, folder names), so a forgotten escape
 * would be script injection into the admin's browser.
 */

import { truncateToWidth } from './text-width.js';

declare const safe: unique symbol;
/** Markup known to be safe: produced by `html`, `raw` or a kit function. */
export interface SafeHtml {
  readonly [safe]: true;
  readonly html: string;
}

export type HtmlValue = string | number | SafeHtml | null | undefined | false | readonly HtmlValue[];

export type Tone = 'neutral' | 'good' | 'warn' | 'bad' | 'muted';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

// Controls other than tab and line breaks, and the bidi overrides: a subject "invoice\u202Efdp.exe" shows as
// "invoiceexe.pdf", so what the page shows would not be what the mail says. Shown as U+FFFD, as on the terminal.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSHOWABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Escapes text for element content and quoted attribute values; invisible and reordering characters shown as U+FFFD. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c).replace(UNSHOWABLE, '\uFFFD');
}

/** Marks trusted markup (built by code, never from data) as safe. */
export function raw(markup: string): SafeHtml {
  return { html: markup } as SafeHtml;
}

function isSafe(value: unknown): value is SafeHtml {
  return typeof value === 'object' && value !== null && 'html' in value && !Array.isArray(value);
}

/** Renders a value: strings and numbers escaped, SafeHtml as is, arrays joined, null/undefined/false empty. */
export function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (typeof value === 'number') return escapeHtml(String(value));
  if (typeof value === 'string') return escapeHtml(value);
  if (isSafe(value)) return value.html;
  return (value as readonly HtmlValue[]).map(render).join('');
}

/** Tagged template: the literal parts are markup, every interpolation is escaped unless it is SafeHtml. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return raw(out);
}

const STYLE = `
:root { --ink: #1f2328; --soft: #59636e; --line: #d1d9e0; --band: #f6f8fa; --accent: #0969da;
  --good: #1a7f37; --warn: #9a6700; --bad: #cf222e; --muted: #8c959f; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1320px; margin: 0 auto; padding: 28px 32px 48px; }
header.page { border-bottom: 2px solid var(--ink); padding-bottom: 12px; margin-bottom: 20px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h3 { font-size: 14px; margin: 18px 0 6px; }
h2 { font-size: 17px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
.subtitle, .note { color: var(--soft); }
.note { font-size: 12.5px; margin: 6px 0 0; }
.verdict { font-size: 15.5px; font-weight: 600; padding: 10px 14px; border-left: 4px solid var(--good);
  background: var(--band); margin: 0 0 20px; }
.verdict.warn { border-color: var(--warn); } .verdict.bad { border-color: var(--bad); }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(164px, 1fr)); gap: 10px; margin: 0 0 10px; }
.tile { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; break-inside: avoid; }
.tile .value { font-size: 26px; font-weight: 650; font-variant-numeric: tabular-nums; line-height: 1.2; }
.tile .label { color: var(--soft); font-size: 12.5px; }
.tile.good .value { color: var(--good); } .tile.warn .value { color: var(--warn); }
.tile.bad .value { color: var(--bad); } .tile.muted .value { color: var(--muted); }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { padding: 5px 7px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { background: var(--band); font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.zero { color: var(--muted); }
tr.group th { background: #fff; padding-top: 14px; font-size: 13.5px; border-bottom: 1px solid var(--ink); }
tr.subtotal td, tfoot td { font-weight: 600; background: var(--band); }
td.wrap { overflow-wrap: anywhere; }
td.name { min-width: 12em; overflow-wrap: anywhere; }
.scroll { overflow-x: auto; }
td.error { color: var(--bad); overflow-wrap: anywhere; }
.chart { display: block; max-width: 100%; height: auto; }
.chart text { font: 11px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: var(--ink); }
.chart .bar { fill: var(--accent); } .chart .bar.muted { fill: var(--muted); }
.chart .axis { stroke: var(--soft); stroke-width: 1; }
.hbar { display: block; width: 100%; min-width: 120px; height: 12px; }
.hbar rect { fill: var(--accent); } .hbar .track { fill: var(--band); }
ul.problems, ul.notes { padding-left: 20px; margin: 6px 0; } ul.problems li, ul.notes li { margin: 3px 0; }
section { break-inside: auto; }
footer { margin-top: 40px; color: var(--soft); font-size: 12px; border-top: 1px solid var(--line); padding-top: 8px; }
@media print {
  main { max-width: none; padding: 0; }
  .scroll { overflow: visible; }
  body { font-size: 11px; }
  h2 { break-after: avoid; }
  tr, .tile, svg { break-inside: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;

export interface PageOptions {
  readonly title: string;
  readonly subtitle?: HtmlValue;
  readonly body: HtmlValue;
  readonly footer?: HtmlValue;
}

/**
 * A complete HTML document. The Content-Security-Policy forbids every network load and every script,
 * so even an escape bug elsewhere could not fetch or run anything.
 */
export function page(options: PageOptions): string {
  return `<!DOCTYPE html>\n${
    html`<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title}</title>
<style>${raw(STYLE)}</style>
</head>
<body>
<main>
<header class="page"><h1>${options.title}</h1>${options.subtitle ? html`<div class="subtitle">${options.subtitle}</div>` : ''}</header>
${options.body}
${options.footer ? html`<footer>${options.footer}</footer>` : ''}
</main>
</body>
</html>
`.html
  }`;
}

/** A titled section with an optional explanatory note under the heading. */
export function section(title: string, body: HtmlValue, note?: HtmlValue): SafeHtml {
  return html`<section>
<h2>${title}</h2>
${note ? html`<p class="note">${note}</p>` : ''}
${body}
</section>
`;
}

export interface Tile {
  readonly label: string;
  readonly value: string | number;
  readonly tone?: Tone;
}

/** Big numbers in a grid, for the totals at the top of a page. */
export function tiles(items: readonly Tile[]): SafeHtml {
  return html`<div class="tiles">${items.map(
    (t) => html`<div class="tile ${t.tone ?? 'neutral'}"><div class="value">${t.value}</div><div class="label">${t.label}</div></div>`,
  )}</div>
`;
}

export interface Column {
  readonly label: string;
  /**
   * 'num' right-aligns with tabular figures; 'wrap' lets long text (subjects, paths) break anywhere;
   * 'name' is a leading label column that keeps a readable width; 'error' marks errors.
   */
  readonly kind?: 'text' | 'num' | 'wrap' | 'name' | 'error';
}

/** A cell with its own class (e.g. a subtotal figure or a zero to grey out). */
export interface Cell {
  readonly value: HtmlValue;
  readonly className?: string;
}

export type Row = readonly (HtmlValue | Cell)[] | { readonly className: string; readonly cells: readonly (HtmlValue | Cell)[] } | { readonly group: HtmlValue };

function isCell(v: HtmlValue | Cell): v is Cell {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'value' in v;
}

/**
 * Columns a text cell shows at most. A subject can be thousands of characters long (spam, broken encoders);
 * wrapped in full it made one row taller than the screen. The CSV files keep every character.
 */
export const CELL_MAX_COLUMNS = 300;

function shortened(content: HtmlValue): HtmlValue {
  return typeof content === 'string' && content.length > CELL_MAX_COLUMNS ? truncateToWidth(content, CELL_MAX_COLUMNS) : content;
}

function cells(columns: readonly Column[], values: readonly (HtmlValue | Cell)[], tag: 'td' | 'th'): SafeHtml {
  return html`${values.map((v, i) => {
    const kind = columns[i]?.kind ?? 'text';
    const own = isCell(v) ? v.className : undefined;
    const cls = [kind === 'text' ? '' : kind, own ?? ''].filter(Boolean).join(' ');
    const content = shortened(isCell(v) ? v.value : v);
    return cls ? html`<${raw(tag)} class="${cls}">${content}</${raw(tag)}>` : html`<${raw(tag)}>${content}</${raw(tag)}>`;
  })}`;
}

/** A table; rows may be plain cell arrays, classed rows, or group headings spanning every column. */
export function table(columns: readonly Column[], rows: readonly Row[], footer?: readonly (HtmlValue | Cell)[]): SafeHtml {
  const body = rows.map((row) => {
    if ('group' in row) return html`<tr class="group"><th colspan="${columns.length}">${row.group}</th></tr>\n`;
    if ('cells' in row) return html`<tr class="${row.className}">${cells(columns, row.cells, 'td')}</tr>\n`;
    return html`<tr>${cells(columns, row, 'td')}</tr>\n`;
  });
  // Wide tables (an import's folder table has 15 columns) scroll inside the page instead of widening it.
  return html`<div class="scroll"><table>
<thead><tr>${columns.map((c) => (c.kind === 'num' ? html`<th class="num">${c.label}</th>` : html`<th>${c.label}</th>`))}</tr></thead>
<tbody>
${body}</tbody>
${footer ? html`<tfoot><tr>${cells(columns, footer, 'td')}</tr></tfoot>\n` : ''}</table></div>
`;
}

/** A bulleted list of plain-text items, e.g. problems that need a human. */
export function list(items: readonly HtmlValue[], className = 'problems'): SafeHtml {
  return html`<ul class="${className}">${items.map((i) => html`<li>${i}</li>`)}</ul>
`;
}
