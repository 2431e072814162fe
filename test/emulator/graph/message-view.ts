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

type PropertyName = (typeof MESSAGE_PROPERTIES)[number];

/** bodyPreview of a body, kept while the body stays the same: listing a folder asks for it of every message. */
const previews = new WeakMap<StoredMessage, { content: string; preview: string }>();

const PREVIEW_CHARS = 255;

/** Tags out, whitespace runs as one space, trimmed, the first 255 characters. */
function previewOf(content: string): string {
  // From a growing prefix (a large HTML body need not be stripped whole for 255 characters of it), cut
  // before any tag the prefix ends inside of; a prefix whose text runs past the preview gives the same one.
  for (let length = 4096; length < content.length; length *= 4) {
    let prefix = content.slice(0, length);
    if (prefix.lastIndexOf('<') > prefix.lastIndexOf('>')) prefix = prefix.slice(0, prefix.lastIndexOf('<'));
    const text = prefix.replace(/<[^>]*>/g, '').replace(/\s+/g, ' ').trimStart();
    if (text.length > PREVIEW_CHARS + 1) return text.slice(0, PREVIEW_CHARS);
  }
  return content.replace(/<[^>]*>/g, '').replace(/\s+/g, ' ').trim().slice(0, PREVIEW_CHARS);
}

function bodyPreview(message: StoredMessage): string {
  const known = previews.get(message);
  if (known?.content === message.body.content) return known.preview;
  const preview = previewOf(message.body.content);
  previews.set(message, { content: message.body.content, preview });
  return preview;
}

/**
 * Each property worked out only when a view asks for it: a $select listing of a large folder asked for
 * three of them and paid for all, bodyPreview's pass over each body above all.
 */
const PROPERTIES: Record<PropertyName, (message: StoredMessage) => unknown> = {
  id: (m) => m.id,
  createdDateTime: (m) => m.createdDateTime,
  lastModifiedDateTime: (m) => m.lastModifiedDateTime,
  changeKey: (m) => m.changeKey,
  categories: (m) => [...m.categories],
  receivedDateTime: (m) => m.receivedDateTime,
  sentDateTime: (m) => m.sentDateTime,
  hasAttachments: (m) => m.attachments.some((attachment) => !attachment.isInline),
  internetMessageId: (m) => m.internetMessageId,
  subject: (m) => m.subject,
  bodyPreview,
  importance: (m) => m.importance,
  parentFolderId: (m) => m.folderId,
  conversationId: (m) => m.conversationId,
  isDeliveryReceiptRequested: () => false,
  isReadReceiptRequested: () => false,
  isRead: (m) => m.isRead,
  isDraft: (m) => m.isDraft,
  webLink: (m) => `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(m.id)}&exvsurl=1&viewmodel=ReadMessageItem`,
  inferenceClassification: () => 'focused',
  body: (m) => ({ ...m.body }),
  sender: (m) => m.from,
  from: (m) => m.from,
  toRecipients: (m) => m.toRecipients,
  ccRecipients: (m) => m.ccRecipients,
  bccRecipients: (m) => m.bccRecipients,
  replyTo: (m) => m.replyTo,
  flag: () => ({ flagStatus: 'notFlagged' }),
};

function isProperty(name: string): name is PropertyName {
  return Object.hasOwn(PROPERTIES, name);
}

/** The message as Graph returns it, honouring $select and the extended-property $expand. */
export function messageView(message: StoredMessage, options: MessageViewOptions = {}): Record<string, unknown> {
  const view: Record<string, unknown> = { '@odata.etag': `W/"${message.changeKey}"` };
  const names = options.select ? ['id', ...options.select] : MESSAGE_PROPERTIES;
  for (const name of names) view[name] = isProperty(name) ? PROPERTIES[name](message) : undefined;
  if (options.expandPropertyId !== undefined) {
    const wanted = normalisePropertyId(options.expandPropertyId);
    const matches = message.extendedProperties.filter((property) => normalisePropertyId(property.id) === wanted);
    // Graph omits the collection entirely when the message lacks the property.
    if (matches.length > 0) view['singleValueExtendedProperties'] = matches.map((property) => ({ ...property }));
  }
  return view;
}
