/**
 * The words under a folder table: what the run's own columns mean, and which columns gave way. Both say
 * only what the table shows: a legend for a column that is not there, or "zero columns are left out"
 * above a column of zeros, would not be true.
 */

const RUN_COLUMNS: Readonly<Record<string, string>> = {
  Imported: 'by this run',
  Earlier: 'by an earlier run',
  Found: 'already in the destination, not uploaded',
};

/** `Imported: by this run. Found: …` for the run columns among `shown`, in their order; '' for none. */
export function runColumnsLegend(shown: readonly string[]): string {
  return shown
    .filter((label) => RUN_COLUMNS[label] !== undefined)
    .map((label) => `${label}: ${RUN_COLUMNS[label]}.`)
    .join(' ');
}

/** That zero columns were left out, naming those kept though zero throughout (the outcome's own); no full stop. */
export function leftOutNote(keptAtZero: readonly string[]): string {
  const names = keptAtZero.length < 2 ? keptAtZero.join('') : `${keptAtZero.slice(0, -1).join(', ')} and ${keptAtZero.at(-1)}`;
  return `Columns that are zero in every row are left out${names === '' ? '' : `, but for ${names}`}`;
}
