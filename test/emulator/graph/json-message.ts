import type { EmailAddress, ExtendedProperty } from '../store.js';
import { graphDateTime } from '../store.js';
import { graphErrors } from './errors.js';
import { storedAttachment } from './new-message.js';

const PR_MESSAGE_FLAGS = 'integer 0x0e07';
const PR_MESSAGE_DELIVERY_TIME = 'systemtime 0x0e06';
const PR_CLIENT_SUBMIT_TIME = 'systemtime 0x0039';
const MSGFLAG_READ = 0x1;
const MSGFLAG_UNSENT = 0x8;
/** Under 3 MB in total for attachments sent inline with a create or by POST. */
export const MAX_INLINE_ATTACHMENT_BYTES = 3 * 1024 * 1024;

const PROPERTY_ID =
  /^(Integer|Long|String|SystemTime|Boolean|Binary|Double|Float|Currency|CLSID|Short)\s+(0x[0-9A-Fa-f]{1,4}|\{[0-9A-Fa-f-]{36}\}\s+(Name\s+\S.*|Id\s+0x[0-9A-Fa-f]+))$/;

function recipient(value: unknown): EmailAddress {
  const email = (value as { emailAddress?: { name?: unknown; address?: unknown } } | null)?.emailAddress;
  if (!email || typeof email.address !== 'string') throw graphErrors.unableToDeserialize();
  return { emailAddress: { name: typeof email.name === 'string' ? email.name : email.address, address: email.address } };
}

function recipients(value: unknown): EmailAddress[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw graphErrors.unableToDeserialize();
  return value.map(recipient);
}

export function readExtendedProperties(value: unknown): ExtendedProperty[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw graphErrors.unableToDeserialize();
  return value.map((entry: unknown) => {
    const { id, value: propertyValue } = (entry ?? {}) as { id?: unknown; value?: unknown };
    if (typeof id !== 'string' || typeof propertyValue !== 'string') throw graphErrors.unableToDeserialize();
    const match = PROPERTY_ID.exec(id.trim());
    if (!match) throw graphErrors.invalidProperty(`The property '${id}' is not a valid extended property id.`);
    const type = (match[1] ?? '').toLowerCase();
    if ((type === 'integer' || type === 'long') && !/^-?\d+$/.test(propertyValue)) {
      throw graphErrors.invalidProperty(`The value '${propertyValue}' is not valid for property '${id}'.`);
    }
    if (type === 'systemtime' && Number.isNaN(Date.parse(propertyValue))) {
      throw graphErrors.invalidProperty(`The value '${propertyValue}' is not valid for property '${id}'.`);
    }
    return { id: id.trim(), value: propertyValue };
  });
}

function propertyValue(properties: ExtendedProperty[], normalisedId: string): string | undefined {
  return properties.find((property) => property.id.replace(/\s+/g, ' ').toLowerCase() === normalisedId)?.value;
}

function attachmentsFrom(value: unknown): ReturnType<typeof storedAttachment>[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw graphErrors.unableToDeserialize();
  const attachments = value.map((entry: unknown) => fileAttachmentFrom(entry));
  const total = attachments.reduce((sum, attachment) => sum + attachment.size, 0);
  if (total >= MAX_INLINE_ATTACHMENT_BYTES) throw graphErrors.requestTooLarge();
  return attachments;
}

export function fileAttachmentFrom(entry: unknown): ReturnType<typeof storedAttachment> {
  const attachment = (entry ?? {}) as Record<string, unknown>;
  if (attachment['@odata.type'] !== '#microsoft.graph.fileAttachment') {
    throw graphErrors.invalidProperty('Only #microsoft.graph.fileAttachment is supported by this emulator.');
  }
  const { name, contentBytes, contentType, isInline, contentId } = attachment;
  if (typeof name !== 'string' || typeof contentBytes !== 'string') throw graphErrors.unableToDeserialize();
  return storedAttachment({
    name,
    contentType: typeof contentType === 'string' ? contentType : 'application/octet-stream',
    content: Buffer.from(contentBytes, 'base64'),
    isInline: isInline === true,
    contentId: typeof contentId === 'string' ? contentId : null,
  });
}

/**
 * The JSON create path: PR_MESSAGE_FLAGS decides draft and read state, 0x0E06 and 0x0039 the dates, as
 * migration tools rely on. Without the flags Exchange makes a draft.
 */
export function fieldsFromJson(json: Record<string, unknown>) {
  const extendedProperties = readExtendedProperties(json['singleValueExtendedProperties']);
  const flagsText = propertyValue(extendedProperties, PR_MESSAGE_FLAGS);
  const flags = flagsText === undefined ? undefined : Number(flagsText);
  const received = propertyValue(extendedProperties, PR_MESSAGE_DELIVERY_TIME);
  const sent = propertyValue(extendedProperties, PR_CLIENT_SUBMIT_TIME);
  const now = graphDateTime(new Date());
  const body = (json['body'] ?? {}) as { contentType?: unknown; content?: unknown };
  const subject = json['subject'];
  const internetMessageId = json['internetMessageId'];
  const isRead = json['isRead'];
  const importance = json['importance'];
  const categories = json['categories'];
  return {
    subject: typeof subject === 'string' ? subject : '',
    from: json['from'] ? recipient(json['from']) : json['sender'] ? recipient(json['sender']) : null,
    toRecipients: recipients(json['toRecipients']),
    ccRecipients: recipients(json['ccRecipients']),
    bccRecipients: recipients(json['bccRecipients']),
    replyTo: recipients(json['replyTo']),
    body: {
      contentType: String(body.contentType ?? 'text').toLowerCase() === 'html' ? ('html' as const) : ('text' as const),
      content: typeof body.content === 'string' ? body.content : '',
    },
    sentDateTime: sent !== undefined ? graphDateTime(new Date(sent)) : now,
    receivedDateTime: received !== undefined ? graphDateTime(new Date(received)) : now,
    internetMessageId: typeof internetMessageId === 'string' ? internetMessageId : null,
    isDraft: flags === undefined ? true : (flags & MSGFLAG_UNSENT) !== 0,
    isRead: typeof isRead === 'boolean' ? isRead : flags === undefined ? true : (flags & MSGFLAG_READ) !== 0,
    importance: typeof importance === 'string' ? importance.toLowerCase() : 'normal',
    categories: Array.isArray(categories) ? categories.filter((entry): entry is string => typeof entry === 'string') : [],
    extendedProperties,
    attachments: attachmentsFrom(json['attachments']),
  };
}
