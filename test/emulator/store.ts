import { createHash, randomBytes } from 'node:crypto';
import { GERMAN_FOLDER_NAMES, WELL_KNOWN_FOLDERS } from './well-known-folders.js';

export type CreationMethod = 'importMime' | 'mimeDraft' | 'json';

export interface EmailAddress {
  emailAddress: { name: string; address: string };
}

export interface ExtendedProperty {
  id: string;
  value: string;
}

export interface StoredAttachment {
  id: string;
  name: string;
  contentType: string;
  size: number;
  isInline: boolean;
  contentId: string | null;
  content: Buffer;
  lastModifiedDateTime: string;
}

export interface StoredMessage {
  id: string;
  folderId: string;
  method: CreationMethod;
  subject: string;
  from: EmailAddress | null;
  toRecipients: EmailAddress[];
  ccRecipients: EmailAddress[];
  bccRecipients: EmailAddress[];
  replyTo: EmailAddress[];
  body: { contentType: 'text' | 'html'; content: string };
  sentDateTime: string | null;
  receivedDateTime: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  internetMessageId: string | null;
  isDraft: boolean;
  isRead: boolean;
  importance: string;
  categories: string[];
  conversationId: string;
  changeKey: string;
  mime?: Buffer;
  extendedProperties: ExtendedProperty[];
  attachments: StoredAttachment[];
  /** Insertion order, the tie-breaker that keeps paging stable. */
  sequence: number;
  /** Sequence number of the last change, for delta queries. */
  lastChange: number;
}

/** A message leaving a folder (moved away or deleted), remembered for delta queries. */
export interface Removal {
  messageId: string;
  folderId: string;
  sequence: number;
}

export interface StoredFolder {
  id: string;
  displayName: string;
  parentId: string | null;
  wellKnownName: string | null;
  isHidden: boolean;
  sequence: number;
  /** A calendar, contacts, tasks, notes or journal folder: not listed by Graph's mailFolders routes. */
  nonMail?: boolean;
}

/** Exchange ids are opaque base64; the AAMk prefix lets us tell "malformed" from "not found" like Exchange does. */
export function newExchangeId(): string {
  return `AAMk${randomBytes(33).toString('base64url')}`;
}

export function looksLikeExchangeId(id: string): boolean {
  return /^AAMk[A-Za-z0-9_\-+/=]+$/.test(id);
}

/** Graph dates have whole seconds and a Z. */
export function graphDateTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Exchange's default non-mail folders under the root, by the mailbox's locale: their names follow it. */
const NON_MAIL_FOLDERS = ['Calendar', 'Contacts', 'Journal', 'Notes', 'Tasks'];
const GERMAN_NON_MAIL_FOLDERS = ['Kalender', 'Kontakte', 'Journal', 'Notizen', 'Aufgaben'];

export class Mailbox {
  readonly folders = new Map<string, StoredFolder>();
  /** Read freely; change only through putMessage, touchMessage and removeMessage so delta sees it. */
  readonly messages = new Map<string, StoredMessage>();
  readonly removals: Removal[] = [];
  private sequence = 0;

  constructor(
    readonly upn: string,
    language?: 'de',
    nonMailFolders = false,
  ) {
    const idsByName = new Map<string, string>();
    for (const known of WELL_KNOWN_FOLDERS) {
      const parentId = known.parent ? (idsByName.get(known.parent) ?? null) : null;
      const name = (language === 'de' ? GERMAN_FOLDER_NAMES[known.wellKnownName] : undefined) ?? known.displayName;
      const folder = this.addFolder(name, parentId, known.isHidden, known.wellKnownName);
      idsByName.set(known.wellKnownName, folder.id);
    }
    if (nonMailFolders) {
      const root = idsByName.get('msgfolderroot') ?? null;
      for (const name of language === 'de' ? GERMAN_NON_MAIL_FOLDERS : NON_MAIL_FOLDERS) this.addFolder(name, root, false).nonMail = true;
    }
  }

  nextSequence(): number {
    this.sequence += 1;
    return this.sequence;
  }

  /** The latest sequence number handed out: a delta watermark. */
  currentSequence(): number {
    return this.sequence;
  }

  putMessage(message: StoredMessage): void {
    message.lastChange = this.nextSequence();
    this.messages.set(message.id, message);
  }

  touchMessage(message: StoredMessage): void {
    message.lastChange = this.nextSequence();
  }

  removeMessage(id: string): boolean {
    const message = this.messages.get(id);
    if (!message) return false;
    this.messages.delete(id);
    this.removals.push({ messageId: id, folderId: message.folderId, sequence: this.nextSequence() });
    return true;
  }

  addFolder(displayName: string, parentId: string | null, isHidden: boolean, wellKnownName: string | null = null): StoredFolder {
    const folder: StoredFolder = { id: newExchangeId(), displayName, parentId, wellKnownName, isHidden, sequence: this.nextSequence() };
    this.folders.set(folder.id, folder);
    return folder;
  }

  /** Resolves an id or a well-known name (case-insensitive, as Graph accepts them). */
  findFolder(idOrWellKnownName: string): StoredFolder | undefined {
    const direct = this.folders.get(idOrWellKnownName);
    if (direct) return direct;
    const name = idOrWellKnownName.toLowerCase();
    for (const folder of this.folders.values()) {
      if (folder.wellKnownName === name) return folder;
    }
    return undefined;
  }

  wellKnown(name: string): StoredFolder {
    const folder = this.findFolder(name);
    if (!folder) throw new Error(`mailbox ${this.upn} lacks well-known folder ${name}`);
    return folder;
  }

  children(parentId: string): StoredFolder[] {
    return [...this.folders.values()].filter((folder) => folder.parentId === parentId).sort((a, b) => a.sequence - b.sequence);
  }

  messagesIn(folderId: string): StoredMessage[] {
    return [...this.messages.values()].filter((message) => message.folderId === folderId);
  }

  /** Path of display names below msgfolderroot, e.g. "Inbox/2019"; folders outside it keep their own name. */
  folderPath(folderId: string): string {
    const names: string[] = [];
    let folder = this.folders.get(folderId);
    while (folder && folder.wellKnownName !== 'msgfolderroot') {
      names.unshift(folder.displayName);
      folder = folder.parentId ? this.folders.get(folder.parentId) : undefined;
    }
    return names.join('/');
  }

  /** Finds a folder by display-name path below msgfolderroot; the first segment may be a well-known name. */
  folderByPath(path: string): StoredFolder | undefined {
    const segments = path.split('/').filter((segment) => segment.length > 0);
    let current = this.wellKnown('msgfolderroot');
    for (const [index, segment] of segments.entries()) {
      const lower = segment.toLowerCase();
      const next =
        this.children(current.id).find((child) => child.displayName.toLowerCase() === lower) ??
        (index === 0 ? this.findFolder(lower) : undefined);
      if (!next) return undefined;
      current = next;
    }
    return current;
  }
}

export class MailStore {
  private readonly mailboxes = new Map<string, Mailbox>();
  /** Online archives by their primary UPN, each also reachable under its own mailbox id. */
  private readonly archives = new Map<string, { id: string; mailbox: Mailbox }>();

  constructor(upns: string[], archiveUpns: string[] = [], language?: 'de', nonMailFolders = false) {
    for (const upn of upns) this.mailboxes.set(upn.toLowerCase(), new Mailbox(upn.toLowerCase(), language, nonMailFolders));
    for (const upn of archiveUpns) {
      const key = upn.toLowerCase();
      // Shaped like Graph's `MBX:<guid-part>@<tenant-part>`; stable per UPN so tests can name it.
      const hex = createHash('sha256').update(key).digest('hex');
      const id = `MBX:${hex.slice(0, 8)}@${hex.slice(8, 16)}`;
      this.archives.set(key, { id, mailbox: new Mailbox(id.toLowerCase()) });
    }
  }

  /** A primary mailbox by UPN, or an archive by its mailbox id. */
  get(upn: string): Mailbox | undefined {
    const key = upn.toLowerCase();
    const primary = this.mailboxes.get(key);
    if (primary) return primary;
    for (const archive of this.archives.values()) if (archive.id.toLowerCase() === key) return archive.mailbox;
    return undefined;
  }

  /** The online archive of a primary mailbox, when it has one. */
  archiveOf(upn: string): { id: string; mailbox: Mailbox } | undefined {
    return this.archives.get(upn.toLowerCase());
  }

  all(): Mailbox[] {
    return [...this.mailboxes.values()];
  }
}
