/**
 * Writes a reconcile report directory: reconcile.json, missing.csv, unexpected.csv, drafts.csv,
 * combined.txt (one sigil per message) and reconcile.html. Each file is written to a temporary name and
 * renamed, so a reader (or a crash) never sees half a file.
 */
import { writeAtomically } from '../write-atomically.js';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReconcileReport } from './model.js';
import { reconcileJsonText } from './json.js';
import { draftsCsv, missingCsv, unexpectedCsv } from './csv.js';
import { renderReconcileHtml } from './html.js';
import { renderReconcileCombined } from './human.js';

/** File name and content of every file, in writing order (the page last: it is the one people open). */
export function reconcileFiles(report: ReconcileReport): Array<readonly [string, string]> {
  return [
    ['reconcile.json', reconcileJsonText(report)],
    ['missing.csv', missingCsv(report.missing)],
    ['unexpected.csv', unexpectedCsv(report.unexpected)],
    ['drafts.csv', draftsCsv(report.drafts)],
    ['combined.txt', renderReconcileCombined(report)],
    ['reconcile.html', renderReconcileHtml(report)],
  ];
}


/** Creates `dir` if needed and writes the report files; returns the paths written. */
export async function writeReconcileDir(dir: string, report: ReconcileReport): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, content] of reconcileFiles(report)) {
    const path = join(dir, name);
    await writeAtomically(path, content);
    written.push(path);
  }
  return written;
}
