import type { InjectedFault } from './faults.js';
import { addMessage as storeMessage, fieldsFromMime } from './graph/new-message.js';
import type { LoggedRequest } from './request-log.js';
import type { EmulatorState } from './state.js';
import type { CreationMethod, ExtendedProperty, Mailbox, StoredFolder, StoredMessage } from './store.js';
import { graphDateTime } from './store.js';

export interface InspectedFolder {
  id: string;
  displayName: string;
  /** Display names below msgfolderroot joined with '/', e.g. "Inbox/2019"; '' for the root. */
  path: string;
  wellKnownName: string | null;
  isHidden: boolean;
  totalItemCount: number;
  unreadItemCount: number;
  children: InspectedFolder[];
}

export interface InspectedMessage {
  id: string;
  folderId: string;
  folderPath: string;
  subject: string;
  sentDateTime: string | null;
  receivedDateTime: string;
  createdDateTime: string;
  internetMessageId: string | null;
  isDraft: boolean;
  isRead: boolean;
  method: CreationMethod;
  mime?: Buffer;
  extendedProperties: ExtendedProperty[];
  attachments: { id: string; name: string; contentType: string; size: number; isInline: boolean }[];
}

/** What reconciliation tests plant directly in a mailbox, bypassing Graph and its limits. */
export interface PlantedMessage {
  subject?: string;
  sentDateTime?: string;
  receivedDateTime?: string;
  internetMessageId?: string;
  isDraft?: boolean;
  isRead?: boolean;
  /** When given, subject/dates/Message-ID come from it unless overridden, as for importMime. */
  mime?: Buffer;
  method?: CreationMethod;
  extendedProperties?: ExtendedProperty[];
}

export interface Inspector {
  mailboxes(): string[];
  folders(upn: string): InspectedFolder;
  messages(upn: string, folderPath?: string): InspectedMessage[];
  requestCounts(): Record<number, number>;
  requests(): LoggedRequest[];
  maxConcurrency(upn: string): number;
  faultsInjected(): InjectedFault[];
}

function mailboxOf(state: EmulatorState, upn: string): Mailbox {
  const mailbox = state.store.get(upn);
  if (!mailbox) throw new Error(`emulator has no mailbox ${upn}`);
  return mailbox;
}

function folderTree(mailbox: Mailbox, folder: StoredFolder): InspectedFolder {
  const messages = mailbox.messagesIn(folder.id);
  return {
    id: folder.id,
    displayName: folder.displayName,
    path: mailbox.folderPath(folder.id),
    wellKnownName: folder.wellKnownName,
    isHidden: folder.isHidden,
    totalItemCount: messages.length,
    unreadItemCount: messages.filter((message) => !message.isRead).length,
    children: mailbox.children(folder.id).map((child) => folderTree(mailbox, child)),
  };
}

function inspectedMessage(mailbox: Mailbox, message: StoredMessage): InspectedMessage {
  return {
    id: message.id,
    folderId: message.folderId,
    folderPath: mailbox.folderPath(message.folderId),
    subject: message.subject,
    sentDateTime: message.sentDateTime,
    receivedDateTime: message.receivedDateTime,
    createdDateTime: message.createdDateTime,
    internetMessageId: message.internetMessageId,
    isDraft: message.isDraft,
    isRead: message.isRead,
    method: message.method,
    ...(message.mime ? { mime: Buffer.from(message.mime) } : {}),
    extendedProperties: message.extendedProperties.map((property) => ({ ...property })),
    attachments: message.attachments.map(({ id, name, contentType, size, isInline }) => ({ id, name, contentType, size, isInline })),
  };
}

function folderAt(mailbox: Mailbox, folderPath: string): StoredFolder {
  const folder = mailbox.folderByPath(folderPath);
  if (!folder) throw new Error(`mailbox ${mailbox.upn} has no folder ${folderPath}`);
  return folder;
}

/** Reads through `state()` on every call, so the inspector can exist before the server has a port. */
export function createInspector(state: () => EmulatorState): Inspector {
  return {
    mailboxes: () => state().store.all().map((mailbox) => mailbox.upn),
    folders: (upn) => {
      const mailbox = mailboxOf(state(), upn);
      return folderTree(mailbox, mailbox.wellKnown('msgfolderroot'));
    },
    messages: (upn, folderPath) => {
      const mailbox = mailboxOf(state(), upn);
      const folderId = folderPath === undefined ? undefined : folderAt(mailbox, folderPath).id;
      return [...mailbox.messages.values()]
        .filter((message) => folderId === undefined || message.folderId === folderId)
        .sort((a, b) => a.sequence - b.sequence)
        .map((message) => inspectedMessage(mailbox, message));
    },
    requestCounts: () => state().log.countsByStatus(),
    requests: () => state().log.all(),
    maxConcurrency: (upn) => state().limits.maxConcurrency(upn),
    faultsInjected: () => state().faults.history(),
  };
}

export function removeMessage(state: EmulatorState, upn: string, id: string): boolean {
  return mailboxOf(state, upn).removeMessage(id);
}

export async function plantMessage(state: EmulatorState, upn: string, folderPath: string, planted: PlantedMessage): Promise<InspectedMessage> {
  const mailbox = mailboxOf(state, upn);
  const folder = folderAt(mailbox, folderPath);
  const now = graphDateTime(new Date());
  const fromMime = planted.mime ? fieldsFromMime(await state.summarise(planted.mime), planted.mime, false) : undefined;
  const message = storeMessage(mailbox, folder.id, planted.method ?? (planted.mime ? 'importMime' : 'json'), {
    subject: planted.subject ?? fromMime?.subject ?? '',
    from: fromMime?.from ?? null,
    toRecipients: fromMime?.toRecipients ?? [],
    ccRecipients: fromMime?.ccRecipients ?? [],
    bccRecipients: fromMime?.bccRecipients ?? [],
    replyTo: fromMime?.replyTo ?? [],
    body: fromMime?.body ?? { contentType: 'text', content: '' },
    sentDateTime: planted.sentDateTime ?? fromMime?.sentDateTime ?? now,
    receivedDateTime: planted.receivedDateTime ?? fromMime?.receivedDateTime ?? now,
    internetMessageId: planted.internetMessageId ?? fromMime?.internetMessageId ?? null,
    isDraft: planted.isDraft ?? false,
    isRead: planted.isRead ?? true,
    importance: 'normal',
    categories: [],
    extendedProperties: planted.extendedProperties ?? [],
    attachments: fromMime?.attachments ?? [],
    ...(planted.mime ? { mime: Buffer.from(planted.mime) } : {}),
  });
  return inspectedMessage(mailbox, message);
}

/**
 * What an archive policy does: the message leaves the primary mailbox for the same folder path in the
 * online archive (created as needed). Throws when the mailbox has no archive.
 */
export function archiveMessage(state: EmulatorState, upn: string, id: string): InspectedMessage {
  const primary = mailboxOf(state, upn);
  const archive = state.store.archiveOf(upn);
  if (!archive) throw new Error(`mailbox ${upn} has no online archive (start the emulator with archives: ['${upn}'])`);
  const message = primary.messages.get(id);
  if (!message) throw new Error(`mailbox ${upn} has no message ${id}`);
  let folder = archive.mailbox.wellKnown('msgfolderroot');
  for (const segment of primary.folderPath(message.folderId).split('/').filter((s) => s.length > 0)) {
    folder =
      archive.mailbox.children(folder.id).find((child) => child.displayName.toLowerCase() === segment.toLowerCase()) ??
      archive.mailbox.addFolder(segment, folder.id, false);
  }
  primary.removeMessage(id);
  const { id: _id, folderId: _folder, sequence: _sequence, lastChange: _change, createdDateTime: _created, lastModifiedDateTime: _modified, changeKey: _key, method, ...fields } = message;
  const moved = storeMessage(archive.mailbox, folder.id, method, { ...fields });
  return inspectedMessage(archive.mailbox, moved);
}

/** Every message in a mailbox's online archive. */
export function archivedMessages(state: EmulatorState, upn: string): InspectedMessage[] {
  const archive = state.store.archiveOf(upn);
  if (!archive) return [];
  return [...archive.mailbox.messages.values()].sort((a, b) => a.sequence - b.sequence).map((m) => inspectedMessage(archive.mailbox, m));
}
