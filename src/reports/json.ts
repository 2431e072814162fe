/**
 * The machine-readable report: the object `--json` prints and `report.json` holds. Both go through
 * reportJsonText so they cannot drift apart.
 */
import { importedThisRun, type Counts, type RunMode, type RunReport } from './model.js';

/**
 * Bumped when a field changes meaning or goes away; adding fields does not bump it. 2: a dry run's counts
 * say `wouldImport` and `wouldFail` instead of `pending`, `imported` and `failed` (a dry run imports nothing).
 */
export const REPORT_JSON_VERSION = 2;

// Listed explicitly so the key order is stable and a field added to the model is a conscious decision here.
function counts(c: Counts, mode: RunMode): Record<string, number> {
  const scanned = {
    messages: c.messages,
    importable: c.importable,
    spam: c.spam,
    duplicates: c.duplicates,
    collisions: c.collisions,
    calendar: c.calendar,
    undated: c.undated,
    unreadable: c.unreadable,
    excluded: c.excluded,
    bytes: c.bytes,
    headerDefects: c.headerDefects,
  };
  if (mode === 'dry-run') {
    // With a tenant, a dry run also reads what the destination holds: found there, or would be uploaded.
    return { ...scanned, alreadyPresent: c.alreadyPresent, wouldImport: c.pending, wouldFail: c.failed };
  }
  return {
    ...scanned,
    /** By eml-import, in this run or an earlier one: importedThisRun + importedEarlier. */
    imported: c.imported,
    importedThisRun: importedThisRun(c),
    importedEarlier: c.importedEarlier,
    alreadyPresent: c.alreadyPresent,
    failed: c.failed,
    pending: c.pending,
  };
}

/** Years in order, 'undated' last, so the object reads like the chart. */
function sortedYears(perYear: Readonly<Record<string, number>>): Record<string, number> {
  const keys = Object.keys(perYear).sort((a, b) => (a === 'undated' ? 1 : b === 'undated' ? -1 : a.localeCompare(b)));
  return Object.fromEntries(keys.map((k) => [k, perYear[k] ?? 0]));
}

export function toJson(report: RunReport): object {
  return {
    version: REPORT_JSON_VERSION,
    mode: report.mode,
    generatedAt: report.generatedAt,
    totals: counts(report.totals, report.mode),
    folders: report.folders.map((f) => ({ zip: f.zip, mailbox: f.mailbox, folder: f.folder, ...counts(f, report.mode) })),
    zips: report.zips.map((z) => ({
      zip: z.zip,
      path: z.path,
      mailbox: z.mailbox,
      archiveError: z.archiveError,
      exportLogMismatches: [...z.exportLogMismatches],
      notes: [...z.notes],
      totals: counts(z.totals, report.mode),
    })),
    spamByRule: { ...report.spamByRule },
    messagesPerYear: sortedYears(report.messagesPerYear),
    methods: { ...report.methods },
    missingMailboxes: report.missingMailboxes.map((m) => ({ mailbox: m.mailbox, messages: m.messages, reason: m.reason })),
    datesBySource: { ...report.datesBySource },
    ...(report.exportsNotLanded === undefined ? {} : { exportsNotLanded: report.exportsNotLanded.map((e) => ({ ...e })) }),
    ...(report.plan === undefined ? {} : { plan: report.plan }),
    ...(report.shard === undefined ? {} : { shard: { index: report.shard.index, count: report.shard.count, assignment: { ...report.shard.assignment } } }),
  };
}

/** The exact text for stdout and report.json: indented, one trailing newline. */
export function reportJsonText(report: RunReport): string {
  return JSON.stringify(toJson(report), null, 2) + '\n';
}
