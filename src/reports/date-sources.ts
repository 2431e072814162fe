/** How the report names each way a message was dated (RunReport `datesBySource`), in the order it lists them. */
import type { RunReport } from './model.js';

const LABELS: ReadonlyArray<readonly [source: string, label: string]> = [
  ['date', 'from the Date header'],
  ['date-assumed-zone', 'from the Date header, zone missing or unknown (read as UTC)'],
  ['received', 'from Received (no readable Date header)'],
  ['none', 'undated'],
];

/** [label, count] for each date source with messages, known sources first, in LABELS order. */
export function dateSourceRows(report: RunReport): Array<[label: string, count: number]> {
  const known = new Set(LABELS.map(([source]) => source));
  const rows: Array<[string, number]> = LABELS.flatMap(([source, label]) => {
    const n = report.datesBySource[source] ?? 0;
    return n > 0 ? [[label, n] as [string, number]] : [];
  });
  for (const [source, n] of Object.entries(report.datesBySource)) if (!known.has(source) && n > 0) rows.push([source, n]);
  return rows;
}
