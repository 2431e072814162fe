/**
 * The source stage alone, as the dry run drives it: scan an export, summarise each message's header block
 * (src/message), tally the export-log totals. Prints one JSON summary. For measuring and tuning the reader
 * until (and alongside) the CLI.
 *
 *   node --import tsx bench/scan-only.ts ZIP [--headers-only] [--concurrency N] [--workers N] [--no-parse]
 */
import { parseArgs } from 'node:util';
import { summarizeMessage } from '../src/message/summarize.js';
import { ExportLogTally, checkExportLog, countNamedFolders, scanExport } from '../src/source/index.js';
import type { ExportLog } from '../src/source/index.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'headers-only': { type: 'boolean', default: false },
    concurrency: { type: 'string' },
    workers: { type: 'string' },
    'no-parse': { type: 'boolean', default: false },
  },
});

const counts = { entries: 0, message: 0, calendar: 0, 'export-log': 0, unreadable: 0, failed: 0, archiveErrors: 0, undated: 0, bytes: 0 };
const started = process.hrtime.bigint();
for (const zipPath of positionals) {
  const tally = new ExportLogTally();
  const logs: ExportLog[] = [];
  for await (const item of scanExport(zipPath, {
    verify: !values['headers-only'],
    ...(values.concurrency === undefined ? {} : { concurrency: Number(values.concurrency) }),
    ...(values.workers === undefined ? {} : { workers: Number(values.workers) }),
  })) {
    if (item.type === 'archive-error') {
      counts.archiveErrors += 1;
      continue;
    }
    counts.entries += 1;
    counts.bytes += item.entry.uncompressedSize;
    if (!item.read.ok) {
      counts.failed += 1;
      tally.add(undefined, item.entry.uncompressedSize);
      continue;
    }
    counts[item.read.kind] += 1;
    tally.add(item.read.kind, item.entry.uncompressedSize);
    if (item.exportLog) logs.push(item.exportLog);
    if (item.read.kind === 'message' && !values['no-parse'] && summarizeMessage(item.read.head).date === null) counts.undated += 1;
  }
  for (const log of logs) for (const problem of checkExportLog(log, tally.observed(await countNamedFolders(zipPath)))) console.error(problem);
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(JSON.stringify({ ...counts, seconds: Number(seconds.toFixed(2)) }));
