/**
 * Shard reports into one estate report. Each shard's folder holds report.json and messages.csv (and
 * failed.csv after an import); the merged report is built from those alone, with the same model and
 * writers as a single run's, so the estate's HTML, JSON and CSVs read exactly like one run's.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { emptyCounts, type Counts, type FolderReport, type MessageLine, type RunMode, type RunReport, type ZipReport } from './model.js';
import { zipLabels } from './zip-labels.js';
import { shardCoverageProblems, shardRecordFrom } from './shard-record.js';
import { looksLikeFormula } from './csv.js';

export interface ShardReport {
  readonly dir: string;
  readonly report: RunReport;
}

const COUNT_KEYS = Object.keys(emptyCounts()) as Array<keyof Counts>;

/**
 * The report.json counts back into the model's. A dry run writes what an import would do under its own
 * names (`wouldImport`, `wouldFail`; json.ts) and imports nothing, so those map back to pending and
 * failed; importedThisRun is derived, never read.
 */
function countsFrom(raw: Record<string, unknown>, where: string, mode: RunMode): Counts {
  const counts = emptyCounts();
  const renamed: Partial<Record<keyof Counts, string>> = mode === 'dry-run' ? { pending: 'wouldImport', failed: 'wouldFail' } : {};
  const absentInMode = new Set<keyof Counts>(mode === 'dry-run' ? ['imported', 'importedEarlier'] : []);
  for (const key of COUNT_KEYS) {
    if (absentInMode.has(key)) continue;
    const value = raw[renamed[key] ?? key] ?? (key === 'headerDefects' ? 0 : undefined);
    if (typeof value !== 'number') throw new Error(`${where}: '${renamed[key] ?? key}' is missing or not a number`);
    counts[key] = value;
  }
  return counts;
}

/** Reads a report folder's report.json back into the model; throws naming the file and the field. */
export function readShardReport(dir: string): ShardReport {
  const file = join(dir, 'report.json');
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`, { cause: error });
  }
  const mode = raw['mode'];
  if (mode !== 'import' && mode !== 'dry-run') throw new Error(`${file}: 'mode' is not 'import' or 'dry-run'`);
  const list = (key: string): Array<Record<string, unknown>> => {
    const value = raw[key];
    if (!Array.isArray(value)) throw new Error(`${file}: '${key}' is not a list`);
    return value as Array<Record<string, unknown>>;
  };
  const record = (key: string): Record<string, number> => (raw[key] ?? {}) as Record<string, number>;
  const zips = list('zips').map((z, i): ZipReport => ({
    zip: String(z['zip']),
    path: String(z['path']),
    mailbox: (z['mailbox'] as string | null) ?? null,
    archiveError: (z['archiveError'] as string | null) ?? null,
    exportLogMismatches: (z['exportLogMismatches'] as string[] | undefined) ?? [],
    notes: (z['notes'] as string[] | undefined) ?? [],
    totals: countsFrom((z['totals'] ?? {}) as Record<string, unknown>, `${file}: zips[${i}].totals`, mode),
  }));
  const folders = list('folders').map((f, i): FolderReport => ({
    zip: String(f['zip']),
    mailbox: (f['mailbox'] as string | null) ?? null,
    folder: String(f['folder']),
    ...countsFrom(f, `${file}: folders[${i}]`, mode),
  }));
  return {
    dir,
    report: {
      mode,
      generatedAt: String(raw['generatedAt']),
      totals: countsFrom((raw['totals'] ?? {}) as Record<string, unknown>, `${file}: totals`, mode),
      zips,
      folders,
      spamByRule: record('spamByRule'),
      messagesPerYear: record('messagesPerYear'),
      methods: record('methods'),
      missingMailboxes: (raw['missingMailboxes'] as RunReport['missingMailboxes'] | undefined) ?? [],
      datesBySource: record('datesBySource'),
      ...(Array.isArray(raw['exportsNotLanded']) ? { exportsNotLanded: raw['exportsNotLanded'] as NonNullable<RunReport['exportsNotLanded']> } : {}),
      ...(raw['shard'] === undefined ? {} : { shard: shardRecordFrom(raw['shard'], file) }),
    },
  };
}

function addCounts(into: Counts, add: Counts): void {
  for (const key of COUNT_KEYS) into[key] += add[key];
}

function addRecord(into: Record<string, number>, add: Readonly<Record<string, number>>): void {
  for (const [key, n] of Object.entries(add)) into[key] = (into[key] ?? 0) + n;
}

export interface MergedReport {
  readonly report: RunReport;
  /** Per shard (same order as given): its zip label to the estate's. */
  readonly labels: ReadonlyArray<ReadonlyMap<string, string>>;
}

/**
 * Sums the shards. Labels are recomputed over every zip of the estate, since two shards may each have an
 * `export.zip`. A zip in two shard reports means overlapping shards or one folder given twice: an error.
 */
export function mergeReports(shards: readonly ShardReport[], generatedAt: Date = new Date()): MergedReport {
  if (shards.length === 0) throw new Error('no shard reports to merge');
  const modes = new Set(shards.map((s) => s.report.mode));
  if (modes.size > 1) throw new Error(`cannot merge a dry run with an import: ${shards.map((s) => `${s.dir} is ${s.report.mode}`).join(', ')}`);
  // The estate is what the shards' assignments name, not the reports that happen to be given.
  const coverage = shardCoverageProblems(
    shards.map((s) => ({ dir: s.dir, record: s.report.shard, mailboxes: new Set(s.report.zips.flatMap((z) => (z.mailbox === null ? [] : [z.mailbox]))) })),
  );
  const notOneEstate = coverage.length === 0 ? '' : `these reports are not one whole estate:\n${coverage.map((p) => `  ${p}`).join('\n')}`;
  const owner = new Map<string, string>();
  for (const shard of shards) {
    for (const zip of shard.report.zips) {
      const other = owner.get(zip.path);
      if (other !== undefined) {
        const why = notOneEstate === '' ? "were the shards' --shard settings the same?" : `\n${notOneEstate}`;
        throw new Error(`${zip.path} is in two shard reports, ${other} and ${shard.dir}: ${why}`);
      }
      owner.set(zip.path, shard.dir);
    }
  }
  if (notOneEstate !== '') throw new Error(notOneEstate);
  const estateLabels = zipLabels([...owner.keys()]);
  const labels = shards.map((shard) => new Map(shard.report.zips.map((z) => [z.zip, estateLabels.get(z.path) ?? z.zip])));
  const totals = emptyCounts();
  const spamByRule: Record<string, number> = {};
  const messagesPerYear: Record<string, number> = {};
  const methods: Record<string, number> = {};
  const datesBySource: Record<string, number> = {};
  const missingMailboxes: RunReport['missingMailboxes'][number][] = [];
  const exportsNotLanded: NonNullable<RunReport['exportsNotLanded']>[number][] = [];
  const zips: ZipReport[] = [];
  const folders: FolderReport[] = [];
  shards.forEach((shard, i) => {
    const relabel = (label: string): string => labels[i]?.get(label) ?? label;
    addCounts(totals, shard.report.totals);
    addRecord(spamByRule, shard.report.spamByRule);
    addRecord(messagesPerYear, shard.report.messagesPerYear);
    addRecord(methods, shard.report.methods);
    addRecord(datesBySource, shard.report.datesBySource);
    missingMailboxes.push(...shard.report.missingMailboxes);
    exportsNotLanded.push(...(shard.report.exportsNotLanded ?? []));
    zips.push(...shard.report.zips.map((z) => ({ ...z, zip: relabel(z.zip) })));
    folders.push(...shard.report.folders.map((f) => ({ ...f, zip: relabel(f.zip) })));
  });
  return {
    report: { mode: shards[0]!.report.mode, generatedAt: generatedAt.toISOString(), totals, zips, folders, spamByRule, messagesPerYear, methods, missingMailboxes, datesBySource, ...(exportsNotLanded.length > 0 ? { exportsNotLanded } : {}) },
    labels,
  };
}

/** Undoes the CSV writer's formula guard: it prefixed an apostrophe to cells a spreadsheet would run. */
function undefuse(value: string): string {
  // The writer's own test, so that whatever it defused (full-width '＝' included) is undone the same way.
  return value.startsWith("'") && looksLikeFormula(value.slice(1)) ? value.slice(1) : value;
}

function readCsv(file: string): Array<Record<string, string>> {
  if (!existsSync(file)) return [];
  return parse(readFileSync(file, 'utf8'), { columns: true, bom: true, relax_column_count: false }) as Array<Record<string, string>>;
}

/**
 * Every message line of every shard, read from the shards' messages.csv afresh on each pass (the report
 * files take several), one shard's file at a time: the estate's lines are never held at once.
 */
export function mergedLines(shards: readonly ShardReport[], merged: MergedReport): Iterable<MessageLine> {
  function* lines(): Generator<MessageLine> {
    for (const [i, shard] of shards.entries()) {
      const relabel = (label: string): string => merged.labels[i]?.get(label) ?? label;
      // messages.csv has no error class; failed.csv does, for the few lines that failed.
      const errorClass = new Map(readCsv(join(shard.dir, 'failed.csv')).map((r) => [`${undefuse(r['zip'] ?? '')}\u0000${undefuse(r['entry'] ?? '')}`, undefuse(r['errorClass'] ?? '')]));
      for (const row of readCsv(join(shard.dir, 'messages.csv'))) {
        const cell = (key: string): string => undefuse(row[key] ?? '');
        const duplicateOf = cell('duplicateOf');
        const separator = duplicateOf.indexOf(': '); // labels are file names; entries may hold ': '
        yield {
          zip: relabel(cell('zip')),
          entry: cell('entry'),
          folder: cell('folder'),
          target: cell('target') === '' ? null : cell('target'),
          subject: cell('subject'),
          from: cell('from'),
          date: cell('date'),
          messageId: cell('messageId'),
          fingerprint: cell('fingerprint'),
          size: Number(cell('size')),
          verdict: cell('verdict'),
          rule: cell('rule'),
          error: cell('error'),
          errorClass: errorClass.get(`${cell('zip')}\u0000${cell('entry')}`) ?? '',
          state: cell('state'),
          method: cell('method'),
          destinationId: cell('destinationId'),
          collision: cell('collision') === 'true',
          duplicateOf: separator > 0 ? `${relabel(duplicateOf.slice(0, separator))}${duplicateOf.slice(separator)}` : duplicateOf,
          dateSource: cell('dateSource'),
          headerDefects: Number(cell('headerDefects') || '0'),
        };
      }
    }
  }
  return { [Symbol.iterator]: lines };
}
