import type { StoredMessage } from '../store.js';
import { normalisePropertyId } from './filter.js';

export const MESSAGE_PROPERTIES = [
  'id',
  'createdDateTime',
  'lastModifiedDateTime',
  'changeKey',
  'categories',
  'receivedDateTime',
  'sentDateTime',
  'hasAttachments',
  'internetMessageId',
  'subject',
  'bodyPreview',
  'importance',
  'parentFolderId',
  'conversationId',
  'isDeliveryReceiptRequested',
  'isReadReceiptRequested',
  'isRead',
  'isDraft',
  'webLink',
  'inferenceClassification',
  'body',
  'sender',
  'from',
  'toRecipients',
  'ccRecipients',
  'bccRecipients',
  'replyTo',
  'flag',
] as const;

export interface MessageViewOptions {
  select?: string[];
  /** The extended property id requested through $expand, if any. */
  expandPropertyId?: string;
}

function fullMessage(message: StoredMessage): Record<string, unknown> {
  return {
    id: message.id,
    createdDateTime: message.createdDateTime,
    lastModifiedDateTime: message.lastModifiedDateTime,
    changeKey: message.changeKey,
    categories: [...message.categories],
    receivedDateTime: message.receivedDateTime,
    sentDateTime: message.sentDateTime,
    hasAttachments: message.attachments.some((attachment) => !attachment.isInline),
    internetMessageId: message.internetMessageId,
    subject: message.subject,
    bodyPreview: message.body.content.replace(/<[^>]*>/g, '').replace(/\s+/g, ' ').trim().slice(0, 255),
    importance: message.importance,
    parentFolderId: message.folderId,
    conversationId: message.conversationId,
    isDeliveryReceiptRequested: false,
    isReadReceiptRequested: false,
    isRead: message.isRead,
    isDraft: message.isDraft,
    webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(message.id)}&exvsurl=1&viewmodel=ReadMessageItem`,
    inferenceClassification: 'focused',
    body: { ...message.body },
    sender: message.from,
    from: message.from,
    toRecipients: message.toRecipients,
    ccRecipients: message.ccRecipients,
    bccRecipients: message.bccRecipients,
    replyTo: message.replyTo,
    flag: { flagStatus: 'notFlagged' },
  };
}

/** The message as Graph returns it, honouring $select and the extended-property $expand. */
export function messageView(message: StoredMessage, options: MessageViewOptions = {}): Record<string, unknown> {
  const full = fullMessage(message);
  const view: Record<string, unknown> = { '@odata.etag': `W/"${message.changeKey}"` };
  const names = options.select ? ['id', ...options.select] : Object.keys(full);
  for (const name of names) view[name] = full[name];
  if (options.expandPropertyId !== undefined) {
    const wanted = normalisePropertyId(options.expandPropertyId);
    const matches = message.extendedProperties.filter((property) => normalisePropertyId(property.id) === wanted);
    // Graph omits the collection entirely when the message lacks the property.
    if (matches.length > 0) view['singleValueExtendedProperties'] = matches.map((property) => ({ ...property }));
  }
  return view;
}
