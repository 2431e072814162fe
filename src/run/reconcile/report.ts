/**
 * Turns one mailbox's folder comparisons into report rows and lines. Pure: comparisons in, rows out; the
 * reading and comparing happen in reconcile.ts.
 */
import { displayTarget } from '../../policy/target.js';
import type { FolderComparison } from './compare.js';
import type { DraftMatch } from './drafts.js';
import type { ReconcileSourceMessage, SourceBucket } from './source.js';
import type { DestinationMessage } from '../../destination/types.js';
import type { AlteredCopy, DestinationLine, LeftoverDraft, PresentLine, ReconcileFolderRow, ReconcileReport, SourceLine } from '../../reports/reconcile/model.js';

export interface MailboxResult {
  readonly folders: ReconcileFolderRow[];
  readonly missing: SourceLine[];
  readonly unexpected: DestinationLine[];
  readonly present: PresentLine[];
  readonly drafts: LeftoverDraft[];
  readonly ledgerImportedButAbsent: SourceLine[];
  readonly importedButAltered: AlteredCopy[];
  readonly doubled: DestinationLine[];
  readonly warnings: string[];
}

/** One destination folder as reconcile read it. */
export interface FolderResult {
  readonly bucket: SourceBucket;
  readonly folderId: string | null;
  readonly folderPath: string | null;
  readonly listing: readonly DestinationMessage[];
  readonly comparison: FolderComparison<ReconcileSourceMessage>;
  readonly error: string | null;
}

export interface MailboxReportContext {
  /** Where left-over drafts were found, as Graph names the folder. */
  readonly draftsPath: string;
  /** totalItemCount by folder id. */
  readonly itemCounts: ReadonlyMap<string, number>;
  readonly withLedger: boolean;
}

export function mailboxReport(mailbox: string, results: readonly FolderResult[], leftovers: readonly DraftMatch<ReconcileSourceMessage>[], context: MailboxReportContext): MailboxResult {
  const { draftsPath, withLedger } = context;
  const counts = context.itemCounts;
  const leftoverIds = new Set(leftovers.map((l) => l.draft.id));
  const out: MailboxResult = { folders: [], missing: [], unexpected: [], present: [], drafts: [], ledgerImportedButAbsent: [], importedButAltered: [], doubled: [], warnings: [] };
  for (const r of results) {
    const c = r.comparison;
    // A leftover draft is listed once, as a draft, not again as unexpected in a Drafts row.
    const unexpected = c.unexpected.filter((m) => !leftoverIds.has(m.id));
    const target = r.bucket.target;
    const label = target === null ? '' : displayTarget(target);
    out.folders.push({
      mailbox,
      target,
      label: target === null ? `(not imported: ${r.bucket.sourceFolders.join(', ')})` : label,
      folderPath: r.folderPath,
      sourceFolders: r.bucket.sourceFolders,
      inExport: r.bucket.inExport,
      spam: r.bucket.spam,
      duplicates: r.bucket.duplicates,
      excluded: r.bucket.excluded,
      expected: c.expected,
      importedPerLedger: withLedger ? r.bucket.wanted.filter((s) => s.ledgerState === 'imported' || s.ledgerState === 'present').length : null,
      present: c.matched.length,
      totalItemCount: r.folderId === null ? null : (counts.get(r.folderId) ?? null),
      listed: r.folderId === null ? null : r.listing.length,
      missing: c.missing.length,
      unexpected: unexpected.length,
      ledgerImportedButAbsent: withLedger ? c.ledgerImportedButAbsent.length : null,
      importedButAltered: withLedger ? c.importedButAltered.length : null,
      weakMatches: c.matched.filter((m) => m.by !== 'fingerprint').length,
      error: r.error,
    });
    out.missing.push(...c.missing.map((s) => sourceLine(mailbox, s)));
    out.ledgerImportedButAbsent.push(...c.ledgerImportedButAbsent.map((s) => sourceLine(mailbox, s)));
    out.importedButAltered.push(...c.importedButAltered.map((a) => ({ source: sourceLine(mailbox, a.source), destination: destinationLine(mailbox, label, r.folderPath ?? '', a.destination) })));
    out.unexpected.push(...unexpected.map((m) => destinationLine(mailbox, label, r.folderPath ?? '', m)));
    out.doubled.push(...c.doubled.filter((m) => !leftoverIds.has(m.id)).map((m) => destinationLine(mailbox, label, r.folderPath ?? '', m)));
    out.present.push(
      ...c.matched.map((m) => ({ source: sourceLine(mailbox, m.source), destinationId: m.destination.id, by: m.by })),
    );
  }
  out.drafts.push(
    ...leftovers.map((l) => ({
      ...destinationLine(mailbox, 'drafts', draftsPath, l.draft),
      matchedBy: l.by,
      source: sourceLine(mailbox, l.source),
    })),
  );
  return out;
}

function sourceLine(mailbox: string, s: ReconcileSourceMessage): SourceLine {
  return {
    mailbox,
    zip: s.zip,
    entry: s.entry,
    folder: s.folder,
    target: displayTarget(s.target),
    subject: s.subject,
    date: s.date ?? '',
    messageId: s.messageId ?? '',
    ledgerState: s.ledgerState ?? '',
    ledgerDestinationId: s.ledgerDestId ?? '',
  };
}

function destinationLine(mailbox: string, target: string, folderPath: string, m: DestinationMessage): DestinationLine {
  return {
    mailbox,
    target,
    folderPath,
    subject: m.subject,
    sentDateTime: m.sentDateTime ?? '',
    internetMessageId: m.internetMessageId ?? '',
    id: m.id,
  };
}

export function assemble(results: readonly MailboxResult[], withLedger: boolean, mailboxes: readonly string[], warnings: readonly string[], unreadable: number): ReconcileReport {
  const folders = results.flatMap((r) => r.folders);
  const sum = (f: (row: ReconcileFolderRow) => number): number => folders.reduce((n, row) => n + f(row), 0);
  const drafts = results.flatMap((r) => r.drafts);
  return {
    generatedAt: new Date().toISOString(),
    withLedger,
    mailboxes,
    totals: {
      expected: sum((r) => r.expected),
      present: sum((r) => r.present),
      missing: sum((r) => r.missing),
      unexpected: sum((r) => r.unexpected),
      drafts: drafts.length,
      ledgerImportedButAbsent: withLedger ? sum((r) => r.ledgerImportedButAbsent ?? 0) : null,
      importedButAltered: withLedger ? sum((r) => r.importedButAltered ?? 0) : null,
      inExport: sum((r) => r.inExport),
      spam: sum((r) => r.spam),
      duplicates: sum((r) => r.duplicates),
      excluded: sum((r) => r.excluded),
      unreadable,
    },
    folders,
    missing: results.flatMap((r) => r.missing),
    unexpected: results.flatMap((r) => r.unexpected),
    present: results.flatMap((r) => r.present),
    drafts,
    ledgerImportedButAbsent: results.flatMap((r) => r.ledgerImportedButAbsent),
    importedButAltered: results.flatMap((r) => r.importedButAltered),
    ...(results.some((r) => r.doubled.length > 0) ? { doubled: results.flatMap((r) => r.doubled) } : {}),
    warnings,
  };
}
