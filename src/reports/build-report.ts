import type { Ledger, MessageRow, ZipRecord } from '../ledger/ledger.js';
import { displayTarget } from '../run/target.js';
import { emptyCounts, type Counts, type FolderReport, type MessageLine, type RunMode, type RunReport, type ZipReport } from './model.js';

/** Adds one ledger row to a set of counts. The single definition of what each count means. */
function count(counts: Counts, row: MessageRow): void {
  if (row.kind === 'calendar') counts.calendar += 1;
  if (row.kind === 'unreadable') counts.unreadable += 1;
  if (row.kind !== 'message') return;
  counts.messages += 1;
  counts.bytes += row.size;
  if (row.date === null) counts.undated += 1;
  if (row.verdict === 'spam') counts.spam += 1;
  if (row.verdict === 'duplicate') counts.duplicates += 1;
  if (row.verdict === 'excluded') counts.excluded += 1;
  if (row.verdict !== 'importable') return;
  counts.importable += 1;
  if (row.collision) counts.collisions += 1;
  if (row.state === 'imported') counts.imported += 1;
  else if (row.state === 'present') counts.alreadyPresent += 1;
  else if (row.state === 'failed') counts.failed += 1;
  else counts.pending += 1;
}

export function buildReport(ledger: Ledger, mode: RunMode, zipPaths?: ReadonlySet<string>): RunReport {
  const zips = ledger.zips().filter((z) => !zipPaths || zipPaths.has(z.path));
  const zipById = new Map<number, ZipRecord>(zips.map((z) => [z.id, z]));
  const totals = emptyCounts();
  const perZip = new Map<number, Counts>();
  const perFolder = new Map<string, FolderReport>();
  const spamByRule: Record<string, number> = {};
  const messagesPerYear: Record<string, number> = {};
  const methods: Record<string, number> = {};

  for (const row of ledger.messages()) {
    const zip = zipById.get(row.zipId);
    if (!zip) continue;
    count(totals, row);
    const zipCounts = perZip.get(zip.id) ?? emptyCounts();
    perZip.set(zip.id, zipCounts);
    count(zipCounts, row);
    const key = `${zip.id}\u0000${row.folder}`;
    let folder = perFolder.get(key);
    if (!folder) {
      folder = { zip: zip.name, mailbox: zip.mailbox, folder: row.folder, ...emptyCounts() };
      perFolder.set(key, folder);
    }
    count(folder, row);
    if (row.verdict === 'spam' && row.rule) spamByRule[row.rule] = (spamByRule[row.rule] ?? 0) + 1;
    if (row.kind === 'message') {
      const year = row.date ? row.date.slice(0, 4) : 'undated';
      messagesPerYear[year] = (messagesPerYear[year] ?? 0) + 1;
    }
    if (row.method && (row.state === 'imported')) methods[row.method] = (methods[row.method] ?? 0) + 1;
  }

  const zipReports: ZipReport[] = zips.map((z) => ({
    zip: z.name,
    path: z.path,
    mailbox: z.mailbox,
    archiveError: z.archiveError,
    exportLogMismatches: z.exportLogMismatches,
    totals: perZip.get(z.id) ?? emptyCounts(),
  }));
  // A folder that holds nothing but an export log is not a mailbox folder.
  const folders = [...perFolder.values()].filter((f) => f.messages + f.calendar + f.unreadable > 0).sort((a, b) => a.zip.localeCompare(b.zip) || a.folder.localeCompare(b.folder));
  return { mode, generatedAt: new Date().toISOString(), totals, zips: zipReports, folders, spamByRule, messagesPerYear, methods };
}

/** Every entry as a CSV line, for messages.csv, spam.csv, duplicates.csv, failed.csv and imported.csv. */
export function messageLines(ledger: Ledger, zipPaths?: ReadonlySet<string>): MessageLine[] {
  const zips = new Map(ledger.zips().filter((z) => !zipPaths || zipPaths.has(z.path)).map((z) => [z.id, z]));
  const allZips = new Map(ledger.zips().map((z) => [z.id, z]));
  const partners = new Map<number, string>();
  for (const p of ledger.duplicatePartners()) partners.set(p.id, `${allZips.get(p.zipId)?.name ?? '?'}: ${p.entry}`);
  const lines: MessageLine[] = [];
  for (const row of ledger.messages()) {
    const zip = zips.get(row.zipId);
    if (!zip) continue;
    lines.push({
      zip: zip.name,
      entry: row.entry,
      folder: row.folder,
      target: row.target === null ? null : displayTarget(row.target),
      subject: row.subject ?? '',
      from: row.sender ?? '',
      date: row.date ?? '',
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
    });
  }
  return lines;
}
