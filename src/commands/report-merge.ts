/**
 * `eml-import report merge <dir...> --out DIR`: shard report folders into one estate report (HTML, JSON,
 * CSVs), then the estate's summary on stdout (or its JSON). Reads only the report folders.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { mergeReports, mergedLines, readShardReport, type ShardReport } from '../reports/merge-reports.js';
import { writeOutputs } from './outputs.js';
import { Stats } from '../accounting/stats.js';
import { ExitCode } from '../accounting/exit-codes.js';
import { UsageError, type CliIo } from './io.js';

export interface MergeOptions {
  readonly dirs: readonly string[];
  readonly out: string;
  readonly json: boolean;
}

export async function runReportMerge(options: MergeOptions, io: CliIo): Promise<number> {
  const shards: ShardReport[] = [];
  for (const dir of options.dirs) {
    if (!existsSync(join(dir, 'report.json'))) throw new UsageError(`${dir}: no report.json (give the folders that --report wrote)`);
    try {
      shards.push(readShardReport(dir));
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  let merged;
  try {
    merged = mergeReports(shards);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { report } = merged;
  // No run happened here: an empty snapshot, so no Graph line is printed.
  await writeOutputs(report, () => mergedLines(shards, merged), { json: options.json, report: options.out }, io, new Stats().snapshot());
  const t = report.totals;
  if (t.unreadable > 0) return ExitCode.incomplete;
  if (report.mode === 'import' && (t.failed > 0 || t.pending > 0)) return ExitCode.incomplete;
  return ExitCode.ok;
}
