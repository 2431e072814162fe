/**
 * The destination contract the import and reconcile runs rely on. Graph implements it
 * (src/destination/graph/); the run never sees HTTP, status codes or sleeps.
 */

export type UploadMethod = 'importMime' | 'json';

export interface FolderRef {
  readonly id: string;
  /** The destination path as the admin would read it, e.g. `Inbox/Projects/Q3`. */
  readonly path: string;
}

/** One message as the destination lists it: what reconciliation and the already-present check need. */
export interface DestinationMessage {
  readonly id: string;
  readonly subject: string;
  readonly sentDateTime: string | null;
  readonly receivedDateTime: string | null;
  readonly internetMessageId: string | null;
  readonly isDraft: boolean;
  /** The fingerprint from our named extended property, when the message carries one (JSON path). */
  readonly importFingerprint: string | null;
}

export interface DestinationFolder extends FolderRef {
  readonly totalItemCount: number;
}

export interface UploadRequest {
  readonly folder: FolderRef;
  /** The original message bytes, exactly as read from the zip. */
  readonly mime: Buffer;
  readonly method: UploadMethod;
  readonly fingerprint: string;
  /** Called as the create goes out, each time it does (GraphRequest.onSend). */
  readonly onSend?: () => void;
}

export interface UploadResult {
  readonly id: string;
  readonly method: UploadMethod;
}

/** Counters the destination reports as it works, read by the accounting object. */
export interface DestinationEvents {
  onRequest?(mailbox: string, status: number): void;
  onThrottleWait?(mailbox: string, milliseconds: number, reason: string): void;
  onRetry?(mailbox: string, reason: string): void;
  /** The mailbox answered 429 MailboxConcurrency at `from` requests in flight; it now gets at most `to`. */
  onConcurrencyLowered?(mailbox: string, from: number, to: number): void;
  /** A quiet period after a lowering passed: the mailbox gets `to` requests in flight again. */
  onConcurrencyRaised?(mailbox: string, from: number, to: number): void;
}

/** One mailbox of the destination. All methods retry transient failures themselves. */
export interface MailboxDestination {
  readonly mailbox: string;
  /** Finds or creates the folder at these segments; the first may be a well-known name (`inbox`, `archive`…). */
  ensureFolder(segments: readonly string[]): Promise<FolderRef>;
  /** Finds the folder at these segments without creating anything; null when it does not exist. */
  findFolder(segments: readonly string[]): Promise<FolderRef | null>;
  /**
   * Creates the message. A create that may or may not have happened (timeout, reset, 5xx after sending)
   * is never sent again here: it throws PendingCreateError, and the caller asks confirmCreate once the
   * create can no longer land.
   */
  upload(request: UploadRequest): Promise<UploadResult>;
  /**
   * Whether an earlier create of this message landed: the matching message that no id in `claimed`
   * accounts for, completed as the upload would have (attachments that were to follow a JSON create);
   * null when none is there, and it is safe to send again.
   */
  confirmCreate(request: UploadRequest, method: UploadMethod, hint: MessageHint, claimed: ClaimedIds): Promise<UploadResult | null>;
  /**
   * Completes a create found as `id` that an earlier run sent and never recorded (it stopped in between):
   * for the JSON path, adds the attachments that were to follow it and are not on it yet. Throws
   * PartialUploadError when one cannot be added.
   */
  completeCreate(request: UploadRequest, id: string, method: UploadMethod): Promise<void>;
  /** Messages in the folder that match this fingerprint (by named property, or subject + sentDateTime). */
  findMessage(folder: FolderRef, fingerprint: string, hint: MessageHint): Promise<DestinationMessage[]>;
  /** Every message in the folder (paged), for the already-present check and reconciliation. */
  listMessages(folder: FolderRef): AsyncIterable<DestinationMessage>;
  /** Every folder in the mailbox with its totalItemCount, paths built from display names. */
  listFolders(): Promise<DestinationFolder[]>;
  /**
   * Which of these Message-IDs the user's online archive holds (where a retention or archive policy moves
   * old mail); absent where the destination has no such notion.
   */
  findInArchive?(messageIds: readonly string[]): Promise<ArchiveLookup>;
}

export type ArchiveLookup =
  | { readonly kind: 'archive'; readonly found: ReadonlySet<string> }
  | { readonly kind: 'none' }
  | { readonly kind: 'unknown'; readonly reason: string };

/** What the source knows of a message, to find it again in the destination. */
export interface MessageHint {
  readonly subject: string;
  readonly date: Date | null;
  readonly messageId: string | null;
}

/** Destination ids that other messages account for; a Set will do, or a look-up in the ledger. */
export interface ClaimedIds {
  has(id: string): boolean;
  /**
   * Whether another source message of the folder carries this Message-ID. A copy bearing it is that
   * message's, never the copy of a message that has none (Exchange gives such a copy an id of its own):
   * found by its subject alone, it was taken for one, which was then never imported, and the other twice
   * (corpus kill test, seed 23).
   */
  carriedByAnother?(internetMessageId: string): boolean;
}
