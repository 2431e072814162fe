/** One mailbox of the Graph destination: folders, uploads, lookups and inventory wired together. */
import { AmbiguousCreateError } from '../../accounting/errors.js';
import type {
  ClaimedIds,
  ArchiveLookup,
  DestinationFolder,
  DestinationMessage,
  FolderRef,
  MailboxDestination,
  MessageHint,
  UploadMethod,
  UploadRequest,
  UploadResult,
} from '../types.js';
import { archiveHasMessage, findArchive } from './archive.js';
import { findMessage, isAnothers } from './find-message.js';
import { FolderResolver } from './folders.js';
import { errorCode, errorStatus } from './graph-error.js';
import type { GraphRequester } from './graph-requester.js';
import { listFolders, listMessages } from './inventory.js';
import { PartialUploadError, PendingCreateError } from './upload-errors.js';
import { fitsImportMime, uploadImportMime } from './upload-import-mime.js';
import { completeJsonUpload, uploadJson, type JsonUploadOptions } from './upload-json.js';
import type { GraphDestinationSettings } from './settings.js';

/** Archive lookups per reconcile and mailbox: each is a request against the mailbox's budget. */
const ARCHIVE_LOOKUP_CAP = 2000;

export class GraphMailbox implements MailboxDestination {
  private readonly folders: FolderResolver;

  constructor(
    private readonly http: GraphRequester,
    readonly mailbox: string,
    private readonly settings: GraphDestinationSettings,
  ) {
    this.folders = new FolderResolver(http, mailbox);
  }

  ensureFolder(segments: readonly string[]): Promise<FolderRef> {
    return this.folders.ensure(segments);
  }

  findFolder(segments: readonly string[]): Promise<FolderRef | null> {
    return this.folders.find(segments);
  }

  /**
   * importMime when asked for, allowed (`api: 'beta'`) and within the request limit; otherwise, or when
   * Graph answers 413, the JSON path. The result says which method the message really took. A create
   * without an answer is never looked up or sent again here: PendingCreateError says which method it
   * took, and the run re-checks it once it can no longer land (confirmCreate).
   */
  async upload(request: UploadRequest): Promise<UploadResult> {
    if (this.methodFor(request) === 'importMime') {
      try {
        return { id: await uploadImportMime(this.http, this.mailbox, request.folder.id, request.mime, request.onSend), method: 'importMime' };
      } catch (error) {
        if (error instanceof AmbiguousCreateError) throw new PendingCreateError(error.message, 'importMime');
        // A refusal before anything was created, so the JSON path is safe to try: 413 (too large), and a MIME
        // Exchange cannot parse (400 ErrorMimeContentInvalid), which the JSON path, built from our own parse,
        // may still carry; left failed, every re-run refused it again and said to run again.
        if (!refusedBeforeCreate(error)) throw error;
      }
    }
    try {
      return { id: await uploadJson(this.http, this.mailbox, request.folder.id, request.mime, request.fingerprint, this.jsonOptions(), request.onSend), method: 'json' };
    } catch (error) {
      if (error instanceof AmbiguousCreateError && !(error instanceof PartialUploadError)) throw new PendingCreateError(error.message, 'json');
      throw error;
    }
  }

  /**
   * Whether a create whose answer was lost landed after all: the first match that no other message
   * accounts for (`claimed`: what the folder held before, and what other rows recorded) is ours. A JSON
   * create found this way gets the attachments that were to follow it.
   */
  async confirmCreate(request: UploadRequest, method: UploadMethod, hint: MessageHint, claimed: ClaimedIds): Promise<UploadResult | null> {
    const [found] = await findMessage(this.http, this.mailbox, request.folder, request.fingerprint, hint, (m) => !m.isDraft && !isAnothers(m, hint, claimed));
    if (!found) return null;
    await this.completeCreate(request, found.id, method);
    return { id: found.id, method };
  }

  async completeCreate(request: UploadRequest, id: string, method: UploadMethod): Promise<void> {
    if (method === 'json') await completeJsonUpload(this.http, this.mailbox, id, request.mime, request.fingerprint, this.jsonOptions());
  }

  private jsonOptions(): JsonUploadOptions {
    return { session: { chunkBytes: this.settings.chunkBytes, attemptsPerRange: this.settings.attemptsPerRange } };
  }

  findMessage(folder: FolderRef, fingerprint: string, hint: MessageHint): Promise<DestinationMessage[]> {
    return findMessage(this.http, this.mailbox, folder, fingerprint, hint);
  }

  listMessages(folder: FolderRef): AsyncIterable<DestinationMessage> {
    return listMessages(this.http, this.mailbox, folder, this.settings.messagePageSize);
  }

  listFolders(): Promise<DestinationFolder[]> {
    return listFolders(this.http, this.mailbox);
  }

  /** One lookup by Message-ID per message, so only for the few a reconcile found missing (capped). */
  async findInArchive(messageIds: readonly string[]): Promise<ArchiveLookup> {
    const archive = await findArchive(this.http, this.mailbox);
    if (archive.kind !== 'archive') return archive;
    const found = new Set<string>();
    for (const messageId of messageIds.slice(0, ARCHIVE_LOOKUP_CAP)) {
      if (await archiveHasMessage(this.http, this.mailbox, archive.archiveMailboxId, messageId)) found.add(messageId);
    }
    return { kind: 'archive', found };
  }

  private methodFor(request: UploadRequest): UploadMethod {
    return request.method === 'importMime' && this.settings.api === 'beta' && fitsImportMime(request.mime)
      ? 'importMime'
      : 'json';
  }
}

function refusedBeforeCreate(error: unknown): boolean {
  return errorStatus(error) === 413 || (errorStatus(error) === 400 && errorCode(error) === 'ErrorMimeContentInvalid');
}
