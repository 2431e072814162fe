/**
 * Inline SVG charts for report pages: no script, no fonts, nothing fetched, and they print.
 * Every bar is a `rect.bar` carrying a <title> with its exact figure.
 */
import { formatCount } from './format.js';
import { html, type SafeHtml } from './html-kit.js';

export interface Bar {
  readonly label: string;
  readonly value: number;
  /** A bar set apart from the series, e.g. 'undated' next to the years. */
  readonly muted?: boolean;
}

const SLOT = 56;
const BAR = 36;
const PLOT_HEIGHT = 180;
const TOP = 22; // room for the value above the tallest bar
const BOTTOM = 26; // room for the labels under the axis
const SIDE = 8;

/** Vertical bars with the value above each bar and the label under it. */
export function columnChart(bars: readonly Bar[], description: string): SafeHtml {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const width = SIDE * 2 + Math.max(bars.length, 6) * SLOT;
  const height = TOP + PLOT_HEIGHT + BOTTOM;
  const axisY = TOP + PLOT_HEIGHT;
  const items = bars.map((b, i) => {
    const h = b.value === 0 ? 0 : Math.max(1, Math.round((b.value / max) * PLOT_HEIGHT));
    const x = SIDE + i * SLOT + (SLOT - BAR) / 2;
    const cx = SIDE + i * SLOT + SLOT / 2;
    return html`<g><rect class="bar${b.muted ? ' muted' : ''}" x="${x}" y="${axisY - h}" width="${BAR}" height="${h}"><title>${b.label}: ${formatCount(b.value)}</title></rect><text x="${cx}" y="${axisY - h - 5}" text-anchor="middle">${formatCount(b.value)}</text><text x="${cx}" y="${axisY + 16}" text-anchor="middle">${b.label}</text></g>
`;
  });
  return html`<svg class="chart" role="img" aria-label="${description}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<line class="axis" x1="${SIDE}" y1="${axisY + 0.5}" x2="${width - SIDE}" y2="${axisY + 0.5}"/>
${items}</svg>
`;
}

/** A horizontal bar for a table cell, as long as value/max of the cell's width. */
export function inlineBar(value: number, max: number): SafeHtml {
  const w = max <= 0 ? 0 : Math.round((value / max) * 1000) / 10;
  return html`<svg class="hbar" viewBox="0 0 100 12" preserveAspectRatio="none" aria-hidden="true"><rect class="track" width="100" height="12"/><rect width="${w}" height="12"/></svg>`;
}
