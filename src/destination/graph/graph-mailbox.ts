/** One mailbox of the Graph destination: folders, uploads, lookups and inventory wired together. */
import { AmbiguousCreateError } from '../../accounting/errors.js';
import { summarizeMessage } from '../../message/summarize.js';
import type {
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
import { findMessage } from './find-message.js';
import { FolderResolver } from './folders.js';
import { errorStatus } from './graph-error.js';
import type { GraphRequester } from './graph-requester.js';
import { listFolders, listMessages } from './inventory.js';
import { UnresolvedCreateError } from './upload-errors.js';
import { fitsImportMime, uploadImportMime } from './upload-import-mime.js';
import { uploadJson } from './upload-json.js';
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
   * Graph answers 413, the JSON path. The result says which method the message really took.
   */
  async upload(request: UploadRequest): Promise<UploadResult> {
    if (this.methodFor(request) === 'importMime') {
      try {
        return { id: await this.importMimeResolved(request), method: 'importMime' };
      } catch (error) {
        // 413 is a refusal before anything was created, so the JSON path is safe to try.
        if (errorStatus(error) !== 413) throw error;
      }
    }
    const id = await uploadJson(this.http, this.mailbox, request.folder.id, request.mime, request.fingerprint, {
      session: { chunkBytes: this.settings.chunkBytes, attemptsPerRange: this.settings.attemptsPerRange },
      maxCreateResends: this.settings.maxCreateResends,
    });
    return { id, method: 'json' };
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

  /**
   * importMime cannot carry a marker of ours, so after an ambiguous create we look for the message by
   * Message-ID or date: nothing there means it did not land and we send again; something there may be an
   * earlier copy, which only the caller's ledger can tell apart, so we hand the candidates back.
   */
  private async importMimeResolved(request: UploadRequest): Promise<string> {
    for (let resends = 0; ; resends += 1) {
      try {
        return await uploadImportMime(this.http, this.mailbox, request.folder.id, request.mime);
      } catch (error) {
        if (!(error instanceof AmbiguousCreateError)) throw error;
        const summary = summarizeMessage(request.mime);
        const hint = { subject: summary.subject, date: summary.date, messageId: summary.messageId };
        const candidates = await this.findMessage(request.folder, request.fingerprint, hint);
        if (candidates.length > 0) {
          throw new UnresolvedCreateError(
            `importMime create may have landed; ${candidates.length} matching message(s) in ${request.folder.path}`,
            candidates,
          );
        }
        if (resends >= this.settings.maxCreateResends) throw error;
      }
    }
  }
}
