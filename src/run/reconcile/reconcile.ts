/**
 * `eml-import reconcile`: reads the exports the way the import does (same scan, same folder mapping, same
 * dedup, into a throw-away scratch ledger), reads each destination folder back, and compares them with
 * the same multiset rule the import's already-present check uses. Read-only: folders are looked up with
 * findFolder, never ensured, and nothing is created, changed or deleted. Every read goes through the
 * mailbox's destination, so it obeys the same rate governor as the import.
 */
import { ClassifiedError } from '../../accounting/errors.js';
import { ExitCode } from '../../accounting/exit-codes.js';
import { Stats } from '../../accounting/stats.js';
import { Ledger } from '../../ledger/ledger.js';
import type { ScanOptions, ZipToScan } from '../scan/scan.js';
import { eachMailboxAsScanned } from '../scan/each-mailbox-as-scanned.js';
import { canonicalZipLocation } from '../../source/index.js';
import { decodeTarget, folderDisplayName } from '../../policy/target.js';
import { compareFolder } from './compare.js';
import { mailboxesOf } from '../mailboxes-of.js';
import { findLeftoverDrafts } from './drafts.js';
import { nameArchivedMissing } from './archive.js';
import { nameMovedMissing } from './moved.js';
import { bucketSource, type SourceBucket } from './source.js';
import { zipLabels } from '../../reports/zip-labels.js';
import { ledgerEntries, mappingDifferences } from './ledger-lookup.js';
import { assemble, mailboxReport, type FolderResult, type MailboxResult } from './report.js';
import type { DestinationFolder, DestinationMessage, MailboxDestination } from '../../destination/types.js';
import { isComplete } from '../../reports/reconcile/model.js';
import type { ReconcileFolderRow, ReconcileReport } from '../../reports/reconcile/model.js';
import { ERROR_PREFIX } from '../io.js';

export interface ReconcileInput {
  /** The zips and the mailbox each goes to (every zip needs one). */
  readonly zips: readonly ZipToScan[];
  /** The same scan options the import used: they decide spam, duplicates and target folders. */
  readonly scanOptions: ScanOptions;
  readonly destinationFor: (upn: string) => MailboxDestination;
  /** The import's ledger, when reconcile runs where the import ran; read, never written. */
  readonly ledger?: Ledger;
  /** This run's mapping options as the import stores them (mappingFingerprint), to warn on a difference. */
  readonly mapping?: string;
  /** Mailboxes compared at once (each has its own governor); default 4, as the import's --parallel. */
  readonly parallel?: number;
  /** The run's accounting, so the progress display shows the scan; a private one when absent. */
  readonly stats?: Stats;
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
}

/** 0 only when nothing expected is missing (nor unprovable: a folder or a source entry that could not be read). */
export function reconcileExitCode(report: ReconcileReport): number {
  return isComplete(report) ? ExitCode.ok : ExitCode.incomplete;
}

/**
 * Compares the exports with the destination. A FatalError from a destination (credentials, permissions,
 * a mailbox that does not exist) is thrown: nothing can be proved then, and the CLI exits 2.
 */
/** Half a comparison proves nothing: said in one sentence, exit 2, as for any fatal error. */
function interrupted(): ClassifiedError {
  return new ClassifiedError('reconcile interrupted: nothing is proved until it runs to the end; run it again', 'fatal');
}

export async function runReconcile(input: ReconcileInput): Promise<ReconcileReport> {
  const warnings: string[] = [];
  if (input.ledger) {
    for (const d of mappingDifferences(input.ledger.getMeta('mapping'), input.mapping)) warnings.push(`mapping differs from the import's: ${d}`);
  }
  for (const w of warnings) input.log(`warning: ${w}`);

  const scratch = Ledger.openScratch();
  try {
    const stats = input.stats ?? new Stats();
    const labels = zipLabels(input.zips.map((z) => canonicalZipLocation(z.path)));
    const lookup = input.ledger ? ledgerEntries(input.ledger) : null;
    // Each mailbox is compared as soon as its zips are read, while the scan goes on with the next.
    const { records, results: byMailbox } = await eachMailboxAsScanned(input.zips, scratch, stats, { ...input.scanOptions, signal: input.signal }, { parallel: input.parallel ?? 4, phaseAfterScan: 'reconciling' }, input.log, (mailbox, zips, signal) => {
      const byId = new Map(zips.map((z) => [z.id, z]));
      // One mailbox's rows at a time, not the whole estate's.
      const buckets = bucketSource(scratch.messagesOf(mailbox), {
        zipName: (zipId) => {
          const zip = byId.get(zipId);
          return zip ? (labels.get(zip.path) ?? zip.name) : '';
        },
        ledger: (zipId, entryIndex) => {
          const zip = byId.get(zipId);
          return lookup && zip ? lookup(zip, entryIndex) : null;
        },
      });
      return reconcileMailbox(mailbox, buckets, input.destinationFor(mailbox), { withLedger: input.ledger !== undefined, stats, log: input.log, signal });
    });
    if (input.signal?.aborted) throw interrupted();
    for (const z of records) if (z.archiveError) warnings.push(`${z.name}: ${z.archiveError}`);
    const unreadable = scratch.unreadableCount();
    if (unreadable > 0) warnings.push(`${unreadable} source entries could not be read; whatever they hold is not in the comparison`);
    const mailboxes = mailboxesOf(records).sort();
    const results = mailboxes.map((mailbox) => byMailbox.get(mailbox)!);
    const report = assemble(results, input.ledger !== undefined, mailboxes, [...warnings, ...results.flatMap((r) => r.warnings)], unreadable);
    return await nameArchivedMissing(nameMovedMissing(report), input.destinationFor, input.log);
  } finally {
    scratch.close();
  }
}

interface MailboxContext {
  readonly withLedger: boolean;
  readonly stats: Stats;
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
}

async function reconcileMailbox(mailbox: string, buckets: readonly SourceBucket[], destination: MailboxDestination, context: MailboxContext): Promise<MailboxResult> {
  const { withLedger, log, signal } = context;
  // The progress display counts compared messages as done, as it counts uploads in an import.
  const counters = context.stats.mailbox(mailbox);
  counters.wanted = buckets.reduce((n, b) => n + b.wanted.length, 0);
  const counts = await itemCounts(destination, mailbox, log);
  const results: FolderResult[] = [];
  for (const bucket of buckets) {
    if (signal?.aborted) throw interrupted();
    results.push(await reconcileFolder(bucket, destination, mailbox, log));
    counters.done += bucket.wanted.length;
  }

  // Leftover drafts: Drafts messages no source message mapped to Drafts accounts for, that resemble a
  // message of another folder. Those already matched in a Drafts bucket are wanted drafts, not leftovers.
  // A bucket is in Drafts when its folder is the Drafts folder, whatever the source called it: in a German
  // mailbox a source folder "Entwürfe" is found at the root as Drafts itself (Exchange's display name).
  const draftsId = await draftsFolderId(destination, results);
  const inDrafts = results.filter((r) => (r.bucket.target !== null && isDrafts(r.bucket.target)) || (draftsId !== null && r.folderId === draftsId));
  const draftsBucket = inDrafts.find((r) => r.folderId !== null) ?? inDrafts[0];
  const draftsListing = draftsBucket?.folderId ? draftsBucket.listing : await listDrafts(destination, mailbox, log);
  const wantedInDrafts = new Set(inDrafts.flatMap((r) => r.comparison.matched.map((m) => m.destination.id)));
  const candidates = draftsListing.filter((m) => !wantedInDrafts.has(m.id));
  const others = results.filter((r) => !inDrafts.includes(r)).flatMap((r) => r.bucket.wanted);
  const leftovers = findLeftoverDrafts(others, candidates);
  const draftsPath = draftsBucket?.folderPath ?? 'Drafts';

  const report = mailboxReport(mailbox, results, leftovers, { draftsPath, itemCounts: counts, withLedger });
  for (const row of report.folders) {
    if (row.folderPath !== null) log(`${mailbox}: ${row.folderPath}: ${row.expected} expected, ${row.present} present, ${row.missing} missing, ${row.unexpected} unexpected`);
  }
  return { ...report, warnings: [...countWarnings(report.folders), ...draftWarnings(mailbox, results.filter((r) => !inDrafts.includes(r)))] };
}

/**
 * Exchange's item count against what the listing returned: a difference is other item types filed there
 * (meeting requests, reports), or a listing that missed messages. Worth a look, never a failure.
 */
function countWarnings(rows: readonly ReconcileFolderRow[]): string[] {
  return rows
    .filter((r) => r.totalItemCount !== null && r.listed !== null && r.totalItemCount !== r.listed)
    .map((r) => `${r.mailbox}: ${r.folderPath ?? r.label}: Exchange counts ${r.totalItemCount} items, the listing returned ${r.listed} messages`);
}

/**
 * Drafts in a folder the import filled: never counted as an imported message (every upload is a non-draft),
 * so a create that came back a draft shows as missing; this says why.
 */
function draftWarnings(mailbox: string, results: readonly FolderResult[]): string[] {
  return results.flatMap((r) => {
    const drafts = r.listing.filter((m) => m.isDraft).length;
    return drafts === 0 ? [] : [`${mailbox}: ${r.folderPath ?? ''}: ${drafts} of its messages are drafts, and a draft is never counted as an imported message (imports are non-drafts): see doctor --write-test`];
  });
}

async function reconcileFolder(bucket: SourceBucket, destination: MailboxDestination, mailbox: string, log: (line: string) => void): Promise<FolderResult> {
  if (bucket.target === null) {
    return { bucket, folderId: null, folderPath: null, listing: [], comparison: compareFolder(bucket.wanted, []), error: null };
  }
  const label = folderDisplayName(bucket.target);
  try {
    const folder = await destination.findFolder(decodeTarget(bucket.target));
    if (folder === null) {
      if (bucket.wanted.length > 0) log(`${mailbox}: ${label}: no such folder in the destination; ${bucket.wanted.length} expected messages are missing`);
      return { bucket, folderId: null, folderPath: null, listing: [], comparison: compareFolder(bucket.wanted, null), error: null };
    }
    const listing: DestinationMessage[] = [];
    for await (const message of destination.listMessages(folder)) listing.push(message);
    const comparison = compareFolder(bucket.wanted, listing);
    return { bucket, folderId: folder.id, folderPath: folder.path, listing, comparison, error: null };
  } catch (error) {
    if (isFatal(error)) throw error;
    const message = (error as Error).message;
    log(`${ERROR_PREFIX}${mailbox}: ${label}: ${message}`);
    // What could not be read cannot be proved present: everything expected counts as missing.
    return { bucket, folderId: null, folderPath: null, listing: [], comparison: compareFolder(bucket.wanted, null), error: message };
  }
}

async function itemCounts(destination: MailboxDestination, mailbox: string, log: (line: string) => void): Promise<Map<string, number>> {
  try {
    const folders: DestinationFolder[] = await destination.listFolders();
    return new Map(folders.map((f) => [f.id, f.totalItemCount]));
  } catch (error) {
    if (isFatal(error)) throw error;
    log(`warning: ${mailbox}: cannot list folders for their item counts: ${(error as Error).message}`);
    return new Map();
  }
}

async function listDrafts(destination: MailboxDestination, mailbox: string, log: (line: string) => void): Promise<DestinationMessage[]> {
  try {
    const folder = await destination.findFolder(['drafts']);
    if (folder === null) return [];
    const listing: DestinationMessage[] = [];
    for await (const message of destination.listMessages(folder)) listing.push(message);
    return listing;
  } catch (error) {
    if (isFatal(error)) throw error;
    log(`warning: ${mailbox}: cannot list Drafts for left-over uploads: ${(error as Error).message}`);
    return [];
  }
}

/** The Drafts folder's id when some compared folder may be it (one lookup, answered from the resolver's cache). */
async function draftsFolderId(destination: MailboxDestination, results: readonly FolderResult[]): Promise<string | null> {
  if (!results.some((r) => r.folderId !== null)) return null;
  try {
    return (await destination.findFolder(['drafts']))?.id ?? null;
  } catch (error) {
    if (isFatal(error)) throw error;
    return null;
  }
}

function isDrafts(target: string): boolean {
  const segments = decodeTarget(target);
  return segments.length === 1 && segments[0]?.toLowerCase() === 'drafts';
}

function isFatal(error: unknown): boolean {
  return error instanceof ClassifiedError && error.errorClass === 'fatal';
}
