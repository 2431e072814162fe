import type { Ledger, MessageSubset, ZipRecord } from '../ledger/ledger.js';
import { compareFolderPaths, displayTarget } from '../policy/target.js';
import { emptyCounts, type Counts, type FolderReport, type MessageLine, type MessageLines, type RunMode, type RunReport, type ZipReport } from './model.js';
import { zipLabels } from './zip-labels.js';

function add(into: Counts, from: Counts): void {
  for (const key of Object.keys(into) as Array<keyof Counts>) into[key] += from[key];
}

function tally(into: Record<string, number>, label: string, n: number): void {
  into[label] = (into[label] ?? 0) + n;
}

/** Each zip's name in reports, unique among every zip the ledger knows (see zipLabels). */
function labelsOf(zips: readonly ZipRecord[]): (zip: ZipRecord) => string {
  const labels = zipLabels(zips.map((z) => z.path));
  return (zip) => labels.get(zip.path) ?? zip.name;
}

/**
 * The run's report, from the ledger's counts (SQLite does the counting; see ledger/report-queries.ts).
 * `runStartedAt` (ISO) tells messages imported by this run from those an earlier run imported.
 */
export function buildReport(ledger: Ledger, mode: RunMode, zipPaths?: ReadonlySet<string>, runStartedAt = ''): RunReport {
  const allZips = ledger.zips();
  const label = labelsOf(allZips);
  const zips = allZips.filter((z) => !zipPaths || zipPaths.has(z.path));
  const zipById = new Map<number, ZipRecord>(zips.map((z) => [z.id, z]));
  const totals = emptyCounts();
  const perZip = new Map<number, Counts>();
  const folders: FolderReport[] = [];
  for (const row of ledger.folderCounts(runStartedAt)) {
    const zip = zipById.get(row.zipId);
    if (!zip) continue;
    const counts = emptyCounts();
    for (const key of Object.keys(counts) as Array<keyof Counts>) counts[key] = row[key] ?? 0;
    add(totals, counts);
    const zipCounts = perZip.get(zip.id) ?? emptyCounts();
    perZip.set(zip.id, zipCounts);
    add(zipCounts, counts);
    // A folder that holds nothing but an export log is not a mailbox folder.
    if (counts.messages + counts.calendar + counts.unreadable > 0) folders.push({ zip: label(zip), mailbox: zip.mailbox, folder: row.folder, ...counts });
  }
  const spamByRule: Record<string, number> = {};
  const messagesPerYear: Record<string, number> = {};
  const methods: Record<string, number> = {};
  const datesBySource: Record<string, number> = {};
  const into = { rule: spamByRule, year: messagesPerYear, method: methods, dateSource: datesBySource };
  for (const row of ledger.breakdowns()) if (zipById.has(row.zipId)) tally(into[row.dimension], row.label, row.n);

  const zipReports: ZipReport[] = zips.map((z) => ({
    zip: label(z),
    path: z.path,
    mailbox: z.mailbox,
    archiveError: z.archiveError,
    exportLogMismatches: z.exportLogMismatches,
    notes: zipNotes(z, zips),
    totals: perZip.get(z.id) ?? emptyCounts(),
  }));
  folders.sort((a, b) => a.zip.localeCompare(b.zip) || compareFolderPaths(a.folder, b.folder));
  const mailboxes = new Set(zips.map((z) => z.mailbox));
  const missingMailboxes = ledger.missingMailboxes().filter((m) => mailboxes.has(m.mailbox));
  return { mode, generatedAt: new Date().toISOString(), totals, zips: zipReports, folders, spamByRule, messagesPerYear, methods, missingMailboxes, datesBySource };
}

/** The sentences the report says about a zip itself (see ZipReport.notes). */
function zipNotes(zip: ZipRecord, zips: readonly ZipRecord[]): string[] {
  const notes: string[] = [];
  if (zip.previousPath !== null && zip.previousPath !== zip.path) notes.push(`seen before at ${zip.previousPath}: the same export, resumed from the ledger`);
  const original = zip.copyOf === null ? undefined : zips.find((z) => z.id === zip.copyOf);
  if (original) notes.push(`the same content as ${original.path}, also in this run: where both go to one mailbox, its messages are duplicates of that zip's`);
  return [...notes, ...zip.notes];
}

/**
 * Every entry as a CSV line, for messages.csv, spam.csv, duplicates.csv, failed.csv and imported.csv.
 * Read from the ledger afresh on each iteration (the report files take several passes), never held all
 * at once: a run of millions of messages would need gigabytes for them.
 */
export function messageLines(ledger: Ledger, zipPaths?: ReadonlySet<string>): MessageLines {
  const all = ledger.zips();
  const label = labelsOf(all);
  const zips = new Map(all.filter((z) => !zipPaths || zipPaths.has(z.path)).map((z) => [z.id, z]));
  const allZips = new Map(all.map((z) => [z.id, z]));
  const partners = new Map<number, string>();
  for (const p of ledger.duplicatePartners()) {
    const zip = allZips.get(p.zipId);
    partners.set(p.id, `${zip ? label(zip) : '?'}: ${p.entry}`);
  }
  function* lines(subset?: MessageSubset): Generator<MessageLine> {
    for (const row of ledger.messages(subset)) {
      const zip = zips.get(row.zipId);
      if (!zip) continue;
      yield {
        zip: label(zip),
        entry: row.entry,
        folder: row.folder,
        target: row.target === null ? null : displayTarget(row.target),
        subject: row.subject ?? '',
        from: row.sender ?? '',
        date: row.date ?? '',
        dateSource: row.dateSource ?? '',
        headerDefects: row.headerDefects ?? 0,
        messageId: row.messageId ?? '',
        fingerprint: row.fingerprint ?? '',
        size: row.size,
        verdict: row.verdict,
        rule: row.rule ?? '',
        error: row.readError ?? row.lastError ?? '',
        errorClass: row.errorClass ?? '',
        state: row.state,
        method: row.method ?? '',
        destinationId: row.destId ?? '',
        collision: row.collision,
        duplicateOf: row.duplicateOf === null ? '' : (partners.get(row.duplicateOf) ?? ''),
      };
    }
  }
  return { [Symbol.iterator]: () => lines(), only: (subset) => ({ [Symbol.iterator]: () => lines(subset) }) };
}
