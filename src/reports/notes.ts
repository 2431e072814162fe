/**
 * The sentences a summary adds under its table: what a dry run will do with the things a person does not
 * see in the counts (calendar items, undated messages, collisions, Deleted Items), and the export log's
 * cross-check. Shared by the terminal and the HTML page so both say the same. Pure.
 */
import { wellKnownName } from '../policy/folder-map.js';
import { plural } from './format.js';
import type { RunReport } from './model.js';

/** Where a CSV is: 'listed in X with --report DIR' before a report folder exists, else 'see DIR/X'. */
export function see(file: string, reportDir: string | undefined): string {
  if (reportDir === undefined) return `listed in ${file} with --report DIR`;
  return reportDir === '' ? `see ${file}` : `see ${reportDir.replace(/\/+$/, '')}/${file}`;
}

/** A folder name as a shell argument: single-quoted, so spaces and globs reach eml-import as they are. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Importable messages per top-level source folder that maps to Deleted Items (Deleted Items, Trash…). */
function deletedItems(report: RunReport): Map<string, number> {
  const byTop = new Map<string, number>();
  for (const f of report.folders) {
    const top = f.folder.split('/')[0] ?? '';
    if (f.importable > 0 && wellKnownName(top) === 'deleteditems') byTop.set(top, (byTop.get(top) ?? 0) + f.importable);
  }
  return byTop;
}

/** What the dry run's import will do with calendar items, undated messages, collisions and Deleted Items. */
export function dryRunNotes(report: RunReport, reportDir: string | undefined): string[] {
  if (report.mode !== 'dry-run') return [];
  const t = report.totals;
  const notes: string[] = [];
  if (t.calendar > 0) {
    notes.push(`${plural(t.calendar, 'calendar item')} will not be imported: eml-import moves mail only (${see('messages.csv', reportDir)}).`);
  }
  if (t.undated > 0) {
    notes.push(
      `${plural(t.undated, 'message')} without a Date or Received header: imported unless spam and dated by Exchange ` +
        'on arrival; never dropped as duplicates, never moved by --archive-before.',
    );
  }
  if (t.collisions > 0) {
    notes.push(
      `${plural(t.collisions, 'collision')}: the same subject and date as another message in the folder but another ` +
        `Message-ID; both copies will be imported (${see('duplicates.csv', reportDir)}).`,
    );
  }
  for (const [folder, n] of deletedItems(report)) {
    notes.push(`${plural(n, 'message')} in ${folder} will be imported into Deleted Items; to leave them out, add --exclude-folder ${shellQuote(folder)}.`);
  }
  return notes;
}

/**
 * The export log against the zip, as information: the log's format is undocumented and its totals are a
 * guess at what WorkMail counts, so a difference is worth a look but is not a problem with the import.
 */
export function crossCheckNotes(report: RunReport): Array<{ zip: string; text: string }> {
  return report.zips.flatMap((z) => z.exportLogMismatches.map((text) => ({ zip: z.zip, text })));
}

export const CROSS_CHECK_EXPLAINED =
  "WorkMail's export log is undocumented; its totals are compared with the zip as a cross-check, and a difference is not an error.";

/** What the run found about each zip itself (moved, a copy, delivered from elsewhere), for every mode. */
export function zipNotes(report: RunReport): Array<{ zip: string; text: string }> {
  return report.zips.flatMap((z) => z.notes.map((text) => ({ zip: z.zip, text })));
}
