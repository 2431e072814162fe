/**
 * The one function that writes a report directory. Renderers stay pure; this only picks the files for
 * the mode and writes each one atomically, so a reader (or a crash) never sees half a file.
 */
import { writeAtomically } from './write-atomically.js';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { MessageLines, RunReport } from './model.js';
import { duplicatesCsv, failedCsv, importedCsv, messagesCsv, spamCsv } from './csv.js';
import { renderHtml } from './html.js';
import { reportJsonText } from './json.js';

/** File name and content of every file the report directory gets in this mode, in writing order. */
export function reportFiles(report: RunReport, lines: MessageLines): Array<readonly [string, string | Iterable<string>]> {
  const files: Array<readonly [string, string | Iterable<string>]> = [
    ['report.json', reportJsonText(report)],
    ['messages.csv', messagesCsv(lines)],
    ['spam.csv', spamCsv(lines)],
    ['duplicates.csv', duplicatesCsv(lines)],
  ];
  if (report.mode === 'import') files.push(['failed.csv', failedCsv(lines)], ['imported.csv', importedCsv(lines)]);
  files.push(['report.html', renderHtml(report, lines)]);
  return files;
}


/** Creates `dir` if needed and writes the report files into it; returns the paths written. */
export async function writeReportDir(dir: string, report: RunReport, lines: MessageLines): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, content] of reportFiles(report, lines)) {
    const path = join(dir, name);
    await writeAtomically(path, content);
    written.push(path);
  }
  return written;
}
