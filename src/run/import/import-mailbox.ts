import PQueue from 'p-queue';
import { SourceUnavailableError, openExport } from '../../source/index.js';
import type { ExportReader } from '../../source/index.js';
import { normalizeSubject } from '../../message/fingerprint.js';
import { chooseUploadMethod } from '../../policy/upload-method.js';
import { prepareForUpload } from '../../message/prepare-upload.js';
import { normalizeMessageId } from '../reconcile/compare.js';
import { hintOf, isUnanswered, settleAgainstInventory } from './settle-against-inventory.js';
import { ClassifiedError } from '../../accounting/errors.js';
import { ERROR_PREFIX } from '../io.js';
import { PartialUploadError, PendingCreateError } from '../../destination/graph/upload-errors.js';
import { compareFolderSegments, decodeTarget, folderDisplayName } from '../../policy/target.js';
import { listCandidates, listedKeys, openRowKeys } from './destination-inventory.js';
import { type Ledger, type MessageRow, type ZipRecord } from '../../ledger/ledger.js';
import type { FolderWork } from '../../ledger/folder-work.js';
import type { Stats } from '../../accounting/stats.js';
import type { ClaimedIds, DestinationMessage, FolderRef, MailboxDestination, UploadMethod } from '../../destination/types.js';

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
  /**
   * How long after it was sent a create whose answer was lost may still land (a killed process does not
   * cancel what the server already has). Such a create is looked for only once this has passed, and sent
   * again only if it is still absent then. Default DEFAULT_LANDING_WINDOW_MS.
   */
  readonly landingWindowMs?: number;
  /**
   * Sends of one message after earlier creates proved not to have landed; default 4. Each costs a landing
   * window for that message alone, and with a few percent of creates unanswered (503s, 504s, resets) two
   * were used up now and then over a few thousand messages (kill soak), failing a message that a fifth
   * send would have put in.
   */
  readonly maxResends?: number;
}

/**
 * Graph documents no server-side timeout for a request it has accepted. Clients built on Graph's SDKs
 * give up after 100 s (.NET HttpClient) or 300 s (Graph PowerShell, raised so that throttled requests with
 * long Retry-After survive): a create can be worked on at least that long (notes/graph-api.md, December
 * 2026). Waiting the longer of the two costs no throughput, since the rest of the mailbox goes on meanwhile.
 */
export const DEFAULT_LANDING_WINDOW_MS = 300_000;

/** A send this much later than the ledger's attempt_at moves it (see send()); against a 300 s window a second is nothing. */
const RESTAMP_AFTER_MS = 1_000;

export interface MailboxImportResult {
  readonly mailbox: string;
  /** Set when the mailbox had to stop (credentials, permissions, mailbox missing). */
  readonly fatal: string | null;
  /**
   * The stop is the app's, not this mailbox's: no token could be had (a secret that expired, a certificate
   * removed), Graph refused a fresh one (401), or refused a permission the tenant check saw granted (403,
   * other than a full mailbox). Every other mailbox would stop the same way.
   */
  readonly tenantWide?: boolean;
}

/**
 * What a re-check cannot tell apart: messages with one Message-ID, or, without one, of one (normalised)
 * subject, since those are what it looks up. Real mail nearly always has a Message-ID, so this holds back
 * only duplicates, collisions and the odd bounce or notification without one. A message without one and
 * a message with one can be unsettled at once (their keys differ) and the first's lookup by subject sees
 * the second's copy: the re-check passes over a copy whose Message-ID a row of the folder carries
 * (ClaimedIds.carriedByAnother).
 */
function lookAlikeKey(row: MessageRow): string {
  const id = normalizeMessageId(row.messageId);
  return id === null ? `subject\n${normalizeSubject(row.subject ?? '')}` : `id\n${id}`;
}

/**
 * Imports one mailbox, folder by folder: finds (or creates) the folder, reads what the folder already
 * holds, settles every ledger row that is already there (multiset, so collisions still go in), then
 * uploads the rest with the ledger written before and after each create.
 */
export async function importMailbox(mailbox: string, zips: readonly ZipRecord[], ledger: Ledger, destination: MailboxDestination, stats: Stats, options: MailboxImportOptions, log: (line: string) => void): Promise<MailboxImportResult> {
  const counters = stats.mailbox(mailbox);
  const standing = ledger.mailboxStanding(mailbox);
  counters.wanted = standing.wanted;
  counters.done = standing.settled;
  counters.imported = standing.imported;
  counters.alreadyPresent = standing.present;

  // In the order the tables list them (Inbox, then its subfolders), so the log reads like the report.
  const targets = [...standing.openTargets].sort((a, b) => compareFolderSegments(decodeTarget(a), decodeTarget(b)));
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
  // Of the folder's listing only what could pair with an open row is kept (destination-inventory.ts), and
  // its open rows stay in SQLite, read a page at a time (ledger/folder-work.ts): what a folder already holds
  // stays in Graph and in SQLite, and what it has still to import is read as the uploads go.
  const works = new Set<FolderWork>();
  const closeWork = (work: FolderWork): void => {
    works.delete(work);
    work.close();
  };
  const prepare = async (target: string): Promise<{ folder: FolderRef | null; work: FolderWork; inventory: DestinationMessage[]; listed: number; listedAt: number }> => {
    const segments = decodeTarget(target);
    const folder = options.dryRun ? await destination.findFolder(segments) : await destination.ensureFolder(segments);
    const work = ledger.folderWork(mailbox, target, openRowKeys);
    works.add(work);
    // When the listing began, not when the folder's turn comes: the next folder is listed while this one's
    // uploads are queued, minutes before, and a create that landed in between is not in the listing.
    const listedAt = Date.now();
    if (!folder) return { folder, work, inventory: [], listed: 0, listedAt };
    const { candidates, listed } = await listCandidates(destination.listMessages(folder), work);
    return { folder, work, inventory: candidates, listed, listedAt };
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
      const prepared = await next.catch((error: unknown) => folderUnavailable(error));
      next = uploads.halted ? null : started(targets[i + 1]);
      if (prepared instanceof ClassifiedError) {
        // Graph would not find, make or list this folder past every retry (an outage of a minute, a
        // refusal): its messages wait for the next run, and the other folders go on.
        const failed = ledger.markFolderUnavailable(mailbox, target, `folder ${folderDisplayName(target)} could not be opened: ${prepared.message}`, prepared.errorClass);
        counters.failed += failed;
        counters.done += failed;
        stats.recordError(`${mailbox}: ${folderDisplayName(target)}: ${prepared.message}`);
        log(`${ERROR_PREFIX}${mailbox}: ${folderDisplayName(target)}: ${prepared.message}; its ${failed} message(s) not yet sent are left for the next run`);
        continue;
      }
      const { folder, work, inventory, listed, listedAt } = prepared;
      const settledIds = ledger.settledDestIdsAmong(mailbox, target, inventory.map((m) => m.id));
      const unclaimed = inventory.filter((m) => !settledIds.has(m.id) && !m.isDraft);
      // Only the open rows that share a key with an unclaimed listed message can pair with one; the others
      // are missing whatever the comparison says of the rest (a first run into a new folder reads none).
      const complete = options.dryRun || !folder ? null : (row: MessageRow, destId: string): void => uploads.completeLater(row, destId, folder);
      const carriedByAnother = (messageId: string): boolean => ledger.messageIdCarried(mailbox, target, messageId);
      const settled = settleAgainstInventory(work.rowsSharing([...new Set(unclaimed.flatMap(listedKeys))]), unclaimed, ledger, carriedByAnother, complete);
      counters.alreadyPresent += settled.present;
      counters.imported += settled.recovered;
      counters.recovered += settled.recovered;
      counters.done += settled.present + settled.recovered;
      if (options.dryRun || !folder) {
        closeWork(work);
        continue;
      }
      // What is still open now is what the comparison left missing: fixed, in upload order, as the folder's uploads.
      const { total, unanswered } = work.fixUploads();
      // A create an earlier run left in flight that the listing did not show may still land: the listing
      // proves nothing until its landing window has passed, so it is re-checked then, not sent now. These
      // are held (as re-checks), the rest are read a page at a time as they are queued.
      const landingWindowMs = options.landingWindowMs ?? DEFAULT_LANDING_WINDOW_MS;
      const young = (row: MessageRow): boolean => isUnanswered(row) && row.attemptAt !== null && Date.parse(row.attemptAt) + landingWindowMs > listedAt;
      const later: MessageRow[] = [];
      for (const page of work.uploadPages(unanswered)) later.push(...page.filter((row) => young(row) && !settled.completing.has(row.id)));
      const waiting = later.length === 0 ? '' : `, ${later.length} left in flight by an earlier run to re-check once they can no longer land`;
      log(`${mailbox}: ${folderDisplayName(target)}: ${listed} already in the folder, ${total - later.length} to upload${waiting}`);
      // Every message id the folder held before this upload that a lookup for an open row could find, or
      // that a row of the folder records as its own (in the ledger: those this run puts in, too): a lookup
      // after an ambiguous create that finds only these found nothing of ours. (One that shares no key with
      // an open row cannot be found by its lookup.)
      const listedIds = new Set(inventory.map((m) => m.id));
      const claimed: ClaimedIds = {
        has: (id) => listedIds.has(id) || ledger.destIdRecorded(mailbox, target, id),
        carriedByAnother,
      };
      for (const row of later) uploads.recheckLater(row, row.method ?? 'importMime', Date.parse(row.attemptAt as string), folder, claimed);
      const rechecked = new Set([...later.map((row) => row.id), ...settled.completing]);
      for (const row of ledger.partialFor(mailbox, target)) {
        if (row.method === 'json' && row.destId !== null) uploads.completeLater(row, row.destId, folder, true);
      }
      for (const page of work.uploadPages()) {
        await uploads.add(page.filter((row) => !rechecked.has(row.id)), folder, claimed);
        if (uploads.halted) break;
      }
      closeWork(work);
    }
    await uploads.finish();
    return { mailbox, fatal: null };
  } catch (error) {
    if (error instanceof ClassifiedError && error.errorClass === 'fatal') {
      stats.recordError(`${mailbox}: ${error.message}`);
      ledger.markMailboxStopped(mailbox, error.message);
      return { mailbox, fatal: error.message, tenantWide: isTenantWide(error) };
    }
    throw error;
  } finally {
    for (const work of works) work.close();
    uploads.close();
    for (const reader of readers.values()) await reader.then((r) => r.close()).catch(() => undefined);
  }
}

/**
 * The token source's own failures carry no HTTP status; Graph's 401 comes only after a token acquired
 * afresh. A 403 once the tenant check passed is a permission withdrawn (or the 31 December 2026 rule), app
 * wide; a full mailbox (403 ErrorQuotaExceeded, 507) is that mailbox's alone.
 */
function isTenantWide(error: ClassifiedError): boolean {
  return error.status === undefined || error.status === 401 || (error.status === 403 && error.code !== 'ErrorQuotaExceeded');
}

/** A folder's failure that leaves only it behind (a ClassifiedError short of fatal); any other stops the mailbox. */
function folderUnavailable(error: unknown): ClassifiedError {
  if (error instanceof ClassifiedError && error.errorClass !== 'fatal') return error;
  throw error;
}

/**
 * Uploads rows with the ledger written before and after each create. Reading from the zip overlaps the
 * uploads; the destination's governor decides how many requests actually go out at once. A create
 * without an answer is re-checked once its landing window has passed, while the others go on.
 */
class UploadQueue {
  private readonly queue: PQueue;
  /** Re-checks waiting for their landing window, and uploads waiting for a look-alike; finish() waits for them. */
  private readonly rechecks = new Set<Promise<void>>();
  /**
   * Look-alikes (lookAlikeKey) with a create in flight or unanswered and not yet settled. Until it is, no
   * other message with that key is sent: a re-check finds what landed by Message-ID, date or subject, and
   * two look-alikes unsettled at once (same subject and date, different bytes) could each take the other's
   * copy, leaving one missing and one twice.
   */
  private readonly unsettled = new Map<string, { count: number; settled: Promise<void>; release: () => void }>();
  /** Set by the first fatal error (credentials, permissions): nothing more is queued or sent. */
  fatal: ClassifiedError | null = null;
  /**
   * Set by the first error that is no message's own (the ledger could not be written: a full disk):
   * nothing more is sent, re-checks stop waiting, and finish() throws it. Left to p-queue, it went
   * unhandled and took the process down with a stack trace, mid-upload.
   */
  private broken: unknown;

  /** Whether nothing more is to be sent: a fatal or broken upload, or the run was stopped. */
  get halted(): boolean {
    return this.fatal !== null || this.broken !== undefined || this.options.signal?.aborted === true;
  }

  constructor(
    private readonly ledger: Ledger,
    private readonly destination: MailboxDestination,
    private readonly readerFor: (zipId: number) => Promise<ExportReader>,
    private readonly stats: Stats,
    private readonly mailbox: string,
    private readonly options: MailboxImportOptions,
  ) {
    this.queue = new PQueue({ concurrency: options.queued ?? 6 });
    // One listener wakes every waiting re-check: one per re-check made Node warn of a leak past ten.
    options.signal?.addEventListener('abort', this.wakeAll, { once: true });
  }

  private readonly wakeAll = (): void => this.wakers.forEach((wake) => wake());

  private stop(error: unknown): void {
    this.broken ??= error;
    this.wakeAll();
  }

  /**
   * Lets go of the run's signal. Without this every mailbox of the run left its listener on it: Node
   * warned past ten mailboxes at once, and an estate's run held one per mailbox it had imported.
   */
  close(): void {
    this.options.signal?.removeEventListener('abort', this.wakeAll);
  }

  /** Ends the waits of re-checks at once when the run is stopped. */
  private readonly wakers = new Set<() => void>();

  /** Resolves true at `due` (epoch ms), or false at once when the run is stopped first. */
  private sleepUntil(due: number): Promise<boolean> {
    return new Promise((resolve) => {
      if (this.options.signal?.aborted || this.broken !== undefined) return resolve(false);
      const wake = (): void => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve(false);
      };
      const timer = setTimeout(() => {
        this.wakers.delete(wake);
        resolve(true);
      }, Math.max(0, due - Date.now()));
      this.wakers.add(wake);
    });
  }

  async add(rows: readonly MessageRow[], folder: FolderRef, claimed: ClaimedIds): Promise<void> {
    for (const row of rows) {
      if (this.halted) return;
      await this.queue.onSizeLessThan(this.queue.concurrency);
      this.queue.add(() => this.upload(row, folder, claimed)).catch((error: unknown) => this.stop(error));
    }
  }

  /**
   * Looks for the create of `row` sent at `sentAt` once it can no longer land, and sends it again only if
   * it is not there. Interrupted before then, the row stays in flight for the next run.
   */
  recheckLater(row: MessageRow, method: UploadMethod, sentAt: number, folder: FolderRef, claimed: ClaimedIds): void {
    const due = sentAt + (this.options.landingWindowMs ?? DEFAULT_LANDING_WINDOW_MS);
    const key = lookAlikeKey(row);
    this.hold(key);
    this.schedule(this.sleepUntil(due), () => this.recheck(row, method, folder, claimed), () => this.release(key));
  }

  /**
   * A JSON create of `row` that an earlier run left unrecorded, found in the folder as `destId`: its
   * attachments not yet on it are added, then it is imported (or failed as partial, with its id).
   */
  completeLater(row: MessageRow, destId: string, folder: FolderRef, partial = false): void {
    this.schedule(Promise.resolve(true), () => this.complete(row, destId, folder, partial));
  }

  /** `partial`: a row an earlier run failed as partial, which the mailbox's standing already counts as done and failed. */
  private async complete(row: MessageRow, destId: string, folder: FolderRef, partial: boolean): Promise<void> {
    const counters = this.stats.mailbox(this.mailbox);
    const mime = await this.readMessage(row);
    if (mime === null) return;
    try {
      await this.destination.completeCreate({ folder, mime, method: 'json', fingerprint: row.fingerprint ?? '' }, destId, 'json');
    } catch (error) {
      if (this.settleFailure(row, error) && !partial) counters.done += 1;
      return;
    }
    this.ledger.markImported(row.id, destId, 'json');
    counters.imported += 1;
    if (partial) return;
    counters.recovered += 1;
    counters.done += 1;
  }

  /** Queues `work` once `until` resolves true (or undefined); finish() waits for it. */
  private schedule(until: Promise<boolean | void>, work: () => Promise<void>, after: () => void = () => undefined): void {
    const scheduled = until
      .then((go) => (go !== false && !this.halted ? this.queue.add(work) : undefined))
      .catch((error: unknown) => this.stop(error))
      .finally(() => {
        this.rechecks.delete(scheduled);
        after();
      });
    this.rechecks.add(scheduled);
  }

  private hold(key: string): void {
    const held = this.unsettled.get(key);
    if (held) {
      held.count += 1;
      return;
    }
    let release = (): void => undefined;
    const settled = new Promise<void>((resolve) => (release = resolve));
    this.unsettled.set(key, { count: 1, settled, release });
  }

  private release(key: string): void {
    const held = this.unsettled.get(key);
    if (!held || --held.count > 0) return;
    this.unsettled.delete(key);
    held.release();
  }

  /** Waits for every queued upload and re-check; rethrows the error that stopped the mailbox, if any. */
  async finish(): Promise<void> {
    for (;;) {
      await this.queue.onIdle();
      if (this.rechecks.size === 0) break;
      await Promise.all(this.rechecks);
    }
    if (this.broken !== undefined) throw this.broken;
    if (this.fatal) throw this.fatal;
  }

  private async readMessage(row: MessageRow): Promise<Buffer | null> {
    try {
      const reader = await this.readerFor(row.zipId);
      const { location, crc32 } = row;
      const mime =
        location != null && crc32 !== null
          ? await reader.readLocated({ name: row.entry, index: row.entryIndex, crc32, uncompressedSize: row.size, location })
          : await reader.readWhole(row.entry, row.entryIndex);
      return prepareForUpload(mime);
    } catch (error) {
      // Bytes that could not be had (expired S3 credentials): not this message's fault; it stays pending and the mailbox stops.
      if (error instanceof SourceUnavailableError) throw error;
      const counters = this.stats.mailbox(this.mailbox);
      this.ledger.markFailed(row.id, (error as Error).message, 'unreadable');
      counters.failed += 1;
      counters.done += 1;
      this.stats.recordError((error as Error).message);
      return null;
    }
  }

  /** `resend`: the row's own re-check sends it again, and so holds its look-alike key already. */
  private async upload(row: MessageRow, folder: FolderRef, claimed: ClaimedIds, resend = false): Promise<void> {
    if (this.halted) return;
    const key = lookAlikeKey(row);
    if (!resend) {
      const lookAlike = this.unsettled.get(key);
      if (lookAlike) {
        this.schedule(lookAlike.settled, () => this.upload(row, folder, claimed));
        return;
      }
      this.hold(key);
    }
    try {
      await this.send(row, folder, claimed);
    } finally {
      // An unanswered create took its own hold for its re-check (recheckLater) before this one is let go.
      if (!resend) this.release(key);
    }
  }

  private async send(row: MessageRow, folder: FolderRef, claimed: ClaimedIds): Promise<void> {
    const { ledger, stats, mailbox } = this;
    const counters = stats.mailbox(mailbox);
    const mime = await this.readMessage(row);
    if (mime === null) return;
    const method = chooseUploadMethod(mime.length, this.options.api);
    const attempts = row.attempts + 1;
    ledger.markInFlight(row.id, method, attempts);
    // attempt_at says when the create went out, for the landing window after a crash. It is written again
    // only when a send comes noticeably later than that (a wait for the mailbox's limits, a retry), so the
    // usual upload costs no third write.
    let stampedAt = Date.now();
    const onSend = (): void => {
      const now = Date.now();
      if (now - stampedAt < RESTAMP_AFTER_MS) return;
      ledger.markSent(row.id);
      stampedAt = now;
    };
    try {
      const result = await this.destination.upload({ folder, mime, method, fingerprint: row.fingerprint ?? '', onSend });
      ledger.markImported(row.id, result.id, result.method);
      counters.imported += 1;
      counters.bytesUploaded += mime.length;
    } catch (error) {
      if (error instanceof PendingCreateError) {
        // The window counts from now, not from when the upload began: the create that went unanswered may
        // be a later attempt (after 429s, or after waiting for a request slot), sent any time before now.
        ledger.markUnanswered(row.id, error.method, error.message);
        this.recheckLater({ ...row, attempts }, error.method, Date.now(), folder, claimed);
        return;
      }
      if (!this.settleFailure(row, error)) return;
    }
    counters.done += 1;
  }

  /** The landing window of an unanswered create has passed: it is there (ours), or it is sent again. */
  private async recheck(row: MessageRow, method: UploadMethod, folder: FolderRef, claimed: ClaimedIds): Promise<void> {
    const counters = this.stats.mailbox(this.mailbox);
    if (this.halted) return;
    const mime = await this.readMessage(row);
    if (mime === null) return;
    const request = { folder, mime, method, fingerprint: row.fingerprint ?? '' };
    const hint = hintOf(row);
    try {
      const landed = await this.destination.confirmCreate(request, method, hint, claimed);
      if (landed) {
        this.ledger.markImported(row.id, landed.id, landed.method);
        counters.imported += 1;
        counters.recovered += 1;
        counters.done += 1;
        return;
      }
    } catch (error) {
      if (this.settleFailure(row, error)) counters.done += 1;
      return;
    }
    if (row.attempts > (this.options.maxResends ?? 4)) {
      this.ledger.markFailed(row.id, `sent ${row.attempts} times without an answer, and not found in the destination after any of them`, 'ambiguous-create');
      counters.failed += 1;
      counters.done += 1;
      return;
    }
    counters.resent += 1;
    await this.upload(row, folder, claimed, true);
  }

  /** Records a failed upload or re-check; false when it stopped the mailbox and the row is pending again. */
  private settleFailure(row: MessageRow, error: unknown): boolean {
    const counters = this.stats.mailbox(this.mailbox);
    if (error instanceof PartialUploadError) {
      this.ledger.markPartial(row.id, error.createdId, error.method, error.message);
      counters.failed += 1;
    } else if (error instanceof ClassifiedError && error.errorClass === 'fatal') {
      // Nothing was created: credentials or permissions. Put the row back and stop this mailbox.
      this.ledger.markPending(row.id, error.message);
      this.fatal = error;
      return false;
    } else {
      this.ledger.markFailed(row.id, (error as Error).message, error instanceof ClassifiedError ? error.errorClass : 'unexpected');
      counters.failed += 1;
    }
    this.stats.recordError(`${this.mailbox}: ${row.entry}: ${(error as Error).message}`);
    return true;
  }
}
