import PQueue from 'p-queue';
import { openExport } from '../source/index.js';
import type { ExportReader } from '../source/index.js';
import { chooseUploadMethod } from '../policy/upload-method.js';
import { prepareForUpload } from '../message/prepare-upload.js';
import { compareFolder } from './reconcile-compare.js';
import { ClassifiedError } from '../accounting/errors.js';
import { PartialUploadError, UnresolvedCreateError } from '../destination/graph/upload-errors.js';
import { compareFolderSegments, decodeTarget, folderDisplayName } from './target.js';
import { PARTIAL_UPLOAD, type Ledger, type MessageRow, type ZipRecord } from '../ledger/ledger.js';
import type { Stats } from '../accounting/stats.js';
import type { DestinationMessage, FolderRef, MailboxDestination, UploadRequest, UploadResult } from '../destination/types.js';

export interface MailboxImportOptions {
  readonly api: 'beta' | 'v1.0';
  /** Dry run with a tenant: read the destination, change nothing. */
  readonly dryRun: boolean;
  /**
   * Uploads queued per mailbox. The destination's governor lets 4 through at a time; a few more queued
   * keep it busy while the next messages are read from the zip. Memory is bounded by this times the
   * largest message (25 MB in WorkMail).
   */
  readonly queued?: number;
  readonly signal?: AbortSignal;
}

export interface MailboxImportResult {
  readonly mailbox: string;
  /** Set when the mailbox had to stop (credentials, permissions, mailbox missing). */
  readonly fatal: string | null;
}

/** Rows the import still has to settle: anything not known to be in the destination. */
function isUnsettled(row: MessageRow): boolean {
  return row.state === 'pending' || row.state === 'in_flight' || (row.state === 'failed' && row.errorClass !== PARTIAL_UPLOAD);
}

/**
 * Imports one mailbox, folder by folder: finds (or creates) the folder, reads what the folder already
 * holds, settles every ledger row that is already there (multiset, so collisions still go in), then
 * uploads the rest with the ledger written before and after each create.
 */
export async function importMailbox(mailbox: string, zips: readonly ZipRecord[], ledger: Ledger, destination: MailboxDestination, stats: Stats, options: MailboxImportOptions, log: (line: string) => void): Promise<MailboxImportResult> {
  const counters = stats.mailbox(mailbox);
  const rows = ledger.wantedFor(mailbox);
  counters.wanted = rows.length;
  counters.done = rows.filter((r) => !isUnsettled(r)).length;
  counters.imported = rows.filter((r) => r.state === 'imported').length;
  counters.alreadyPresent = rows.filter((r) => r.state === 'present').length;

  // In the order the tables list them (Inbox, then its subfolders), so the log reads like the report.
  const targets = [...new Set(rows.filter((r) => isUnsettled(r)).map((r) => r.target as string))].sort((a, b) => compareFolderSegments(decodeTarget(a), decodeTarget(b)));
  const readers = new Map<number, Promise<ExportReader>>();
  const zipById = new Map(zips.map((z) => [z.id, z]));
  const readerFor = (zipId: number): Promise<ExportReader> => {
    let reader = readers.get(zipId);
    if (!reader) {
      const zip = zipById.get(zipId);
      if (!zip) throw new Error(`zip ${zipId} is not part of this run`);
      reader = openExport(zip.path);
      readers.set(zipId, reader);
    }
    return reader;
  };

  // One upload queue for the whole mailbox, and the next folder is looked up and inventoried while the
  // current folder's messages are still being queued: the 4 request slots never drain between folders.
  const uploads = new UploadQueue(ledger, destination, readerFor, stats, mailbox, options);
  const prepare = async (target: string): Promise<{ folder: FolderRef | null; inventory: DestinationMessage[] }> => {
    const segments = decodeTarget(target);
    const folder = options.dryRun ? await destination.findFolder(segments) : await destination.ensureFolder(segments);
    const inventory: DestinationMessage[] = [];
    if (folder) for await (const message of destination.listMessages(folder)) inventory.push(message);
    return { folder, inventory };
  };
  const started = (target: string | undefined): Promise<Awaited<ReturnType<typeof prepare>>> | null => {
    if (target === undefined) return null;
    const promise = prepare(target);
    promise.catch(() => undefined); // awaited in its turn; this only keeps an early failure from going unhandled
    return promise;
  };
  try {
    let next = started(targets[0]);
    for (let i = 0; i < targets.length && next; i++) {
      const target = targets[i] as string;
      const { folder, inventory } = await next;
      next = options.signal?.aborted || uploads.fatal ? null : started(targets[i + 1]);
      const folderRows = ledger.wantedFor(mailbox, target);
      const toUpload = settleAgainstInventory(folderRows, inventory, ledger);
      counters.alreadyPresent += toUpload.present;
      counters.imported += toUpload.recovered;
      counters.done += toUpload.present + toUpload.recovered;
      if (options.dryRun || !folder) continue;
      log(`${mailbox}: ${folderDisplayName(target)}: ${inventory.length} already in the folder, ${toUpload.rows.length} to upload`);
      // Every message id the folder held before this upload, or that a row already accounts for: a
      // lookup after an ambiguous create that finds only these found nothing of ours.
      const claimed = new Set([...inventory.map((m) => m.id), ...folderRows.flatMap((r) => (r.destId ? [r.destId] : []))]);
      await uploads.add(toUpload.rows, folder, claimed);
    }
    await uploads.finish();
    return { mailbox, fatal: null };
  } catch (error) {
    if (error instanceof ClassifiedError && error.errorClass === 'fatal') {
      stats.recordError(`${mailbox}: ${error.message}`);
      return { mailbox, fatal: error.message };
    }
    throw error;
  } finally {
    for (const reader of readers.values()) await reader.then((r) => r.close()).catch(() => undefined);
  }
}

/**
 * Matches the folder's unsettled rows against what the destination holds that no settled row accounts
 * for, with reconcile's own comparison (fingerprint, then Message-ID, then subject for messages Exchange
 * could not date), so the import and the proof afterwards agree on what "already there" means. A matched
 * in-flight row is our own create from a crash window (imported); a matched pending or failed row was
 * there before us (already present). A dry run writes these to its scratch ledger.
 */
function settleAgainstInventory(rows: readonly MessageRow[], inventory: readonly DestinationMessage[], ledger: Ledger): { rows: MessageRow[]; present: number; recovered: number } {
  const claimed = new Set(rows.filter((r) => !isUnsettled(r) && r.destId).map((r) => r.destId as string));
  const unclaimed = inventory.filter((m) => !claimed.has(m.id) && !m.isDraft);
  const open = rows.filter((r) => isUnsettled(r));
  const byKey = new Map(open.map((r) => [String(r.id), r]));
  const comparison = compareFolder(
    open.map((r) => ({
      key: String(r.id),
      subject: r.subject ?? '',
      date: r.date,
      datedByHeader: r.dateSource === 'date',
      messageId: r.messageId,
      fingerprint: r.fingerprint ?? '',
      ledgerState: r.state,
      ledgerDestId: r.destId,
    })),
    unclaimed,
  );
  let present = 0;
  let recovered = 0;
  for (const pair of comparison.matched) {
    const row = byKey.get(pair.source.key);
    if (!row) continue;
    if ((row.state === 'in_flight' || row.errorClass === 'ambiguous-create') && row.method) {
      recovered += 1;
      ledger.markImported(row.id, pair.destination.id, row.method);
    } else {
      present += 1;
      ledger.markPresent(row.id, pair.destination.id);
    }
  }
  const missing = new Set(comparison.missing.map((s) => s.key));
  return { rows: open.filter((r) => missing.has(String(r.id))), present, recovered };
}

/**
 * Uploads rows with the ledger written before and after each create. Reading from the zip overlaps the
 * uploads; the destination's governor decides how many requests actually go out at once.
 */
class UploadQueue {
  private readonly queue: PQueue;
  /** Set by the first fatal error (credentials, permissions): nothing more is queued or sent. */
  fatal: ClassifiedError | null = null;

  constructor(
    private readonly ledger: Ledger,
    private readonly destination: MailboxDestination,
    private readonly readerFor: (zipId: number) => Promise<ExportReader>,
    private readonly stats: Stats,
    private readonly mailbox: string,
    private readonly options: MailboxImportOptions,
  ) {
    this.queue = new PQueue({ concurrency: options.queued ?? 6 });
  }

  async add(rows: readonly MessageRow[], folder: FolderRef, claimed: Set<string>): Promise<void> {
    for (const row of rows) {
      if (this.fatal || this.options.signal?.aborted) return;
      await this.queue.onSizeLessThan(this.queue.concurrency);
      void this.queue.add(() => this.upload(row, folder, claimed));
    }
  }

  /** Waits for every queued upload; rethrows the fatal error that stopped the mailbox, if any. */
  async finish(): Promise<void> {
    await this.queue.onIdle();
    if (this.fatal) throw this.fatal;
  }

  private async upload(row: MessageRow, folder: FolderRef, claimed: Set<string>): Promise<void> {
    const { ledger, stats, mailbox } = this;
    const counters = stats.mailbox(mailbox);
    if (this.fatal || this.options.signal?.aborted) return;
    let mime: Buffer;
    try {
      mime = prepareForUpload(await (await this.readerFor(row.zipId)).readWhole(row.entry, row.entryIndex));
    } catch (error) {
      ledger.markFailed(row.id, (error as Error).message, 'unreadable');
      counters.failed += 1;
      counters.done += 1;
      stats.recordError((error as Error).message);
      return;
    }
    const method = chooseUploadMethod(mime.length, this.options.api);
    ledger.markInFlight(row.id, method, row.attempts + 1);
    try {
      const result = await createOnce(this.destination, { folder, mime, method, fingerprint: row.fingerprint ?? '' }, claimed);
      claimed.add(result.id);
      ledger.markImported(row.id, result.id, result.method);
      counters.imported += 1;
      counters.bytesUploaded += mime.length;
    } catch (error) {
      if (error instanceof PartialUploadError) {
        claimed.add(error.createdId);
        ledger.markPartial(row.id, error.createdId, error.method, error.message);
        counters.failed += 1;
      } else if (error instanceof ClassifiedError && error.errorClass === 'fatal') {
        // Nothing was created: credentials or permissions. Put the row back and stop this mailbox.
        ledger.markPending(row.id, error.message);
        this.fatal = error;
        return;
      } else {
        ledger.markFailed(row.id, (error as Error).message, error instanceof ClassifiedError ? error.errorClass : 'unexpected');
        counters.failed += 1;
      }
      stats.recordError(`${mailbox}: ${row.entry}: ${(error as Error).message}`);
    }
    counters.done += 1;
  }
}

/**
 * An importMime create whose answer was lost can only be found again by Message-ID or subject and date,
 * and the destination cannot tell our copy from one that was there before. We can: a candidate that no
 * earlier message or ledger row accounts for is the one this create made.
 */
async function createOnce(destination: MailboxDestination, request: UploadRequest, claimed: ReadonlySet<string>): Promise<UploadResult> {
  try {
    return await destination.upload(request);
  } catch (error) {
    if (!(error instanceof UnresolvedCreateError)) throw error;
    const ours = error.candidates.find((candidate) => !claimed.has(candidate.id));
    if (!ours) throw error;
    return { id: ours.id, method: request.method };
  }
}
