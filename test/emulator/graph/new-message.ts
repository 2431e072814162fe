import { randomBytes } from 'node:crypto';
import type { CreationMethod, Mailbox, StoredAttachment, StoredMessage } from '../store.js';
import { graphDateTime, newExchangeId } from '../store.js';
import type { MimeSummary } from '../mime-summary.js';

export function newChangeKey(): string {
  return randomBytes(12).toString('base64');
}

export function newAttachmentId(): string {
  return `AAMk${randomBytes(40).toString('base64url')}`;
}

export function storedAttachment(
  parts: { name: string; contentType: string; content: Buffer; isInline: boolean; contentId: string | null },
): StoredAttachment {
  return { id: newAttachmentId(), size: parts.content.length, lastModifiedDateTime: graphDateTime(new Date()), ...parts };
}

/** What a creator supplies; the store mints the rest (ids, change keys, timestamps, ordering). */
type MessageFields = Omit<StoredMessage, 'id' | 'folderId' | 'method' | 'createdDateTime' | 'lastModifiedDateTime' | 'conversationId' | 'changeKey' | 'sequence' | 'lastChange'>;

/** Stores a new message in a folder; the one place ids, change keys and timestamps are minted. */
export function addMessage(mailbox: Mailbox, folderId: string, method: CreationMethod, fields: MessageFields): StoredMessage {
  const now = graphDateTime(new Date());
  const message: StoredMessage = {
    id: newExchangeId(),
    folderId,
    method,
    createdDateTime: now,
    lastModifiedDateTime: now,
    changeKey: newChangeKey(),
    conversationId: `AAQk${randomBytes(24).toString('base64url')}`,
    sequence: mailbox.nextSequence(),
    lastChange: 0,
    ...fields,
  };
  mailbox.putMessage(message);
  return message;
}

/** MIME paths: Exchange stamps receivedDateTime with the creation time and takes sentDateTime from Date. */
export function fieldsFromMime(summary: MimeSummary, mime: Buffer, isDraft: boolean): MessageFields {
  const now = graphDateTime(new Date());
  return {
    subject: summary.subject,
    from: summary.from,
    toRecipients: summary.toRecipients,
    ccRecipients: summary.ccRecipients,
    bccRecipients: summary.bccRecipients,
    replyTo: summary.replyTo,
    body: summary.body,
    sentDateTime: summary.sentDateTime ?? now,
    receivedDateTime: now,
    internetMessageId: summary.internetMessageId,
    isDraft,
    isRead: true,
    importance: 'normal',
    categories: [],
    extendedProperties: [],
    attachments: summary.attachments.map(storedAttachment),
    mime,
  };
}
