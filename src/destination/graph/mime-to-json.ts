/**
 * The JSON path's conversion: original MIME bytes in, the `message` JSON for
 * `POST /mailFolders/{id}/messages` plus the attachments to add afterwards. Pure (parsing only, no I/O).
 *
 * The dates and the subject come from the same header reading as the source's fingerprint
 * (src/message/summarize.ts), so that the sentDateTime and subject Graph stores fingerprint to the same
 * value on the next run's already-present check.
 */
import type { AddressObject, Attachment, EmailAddress, ParsedMail } from 'mailparser';
import { receivedDate } from '../../message/date.js';
import { summarizeMessage } from '../../message/summarize.js';
import { MAX_INTERNET_MESSAGE_HEADER_LENGTH, MAX_INTERNET_MESSAGE_HEADERS } from './limits.js';
import { FINGERPRINT_PROPERTY_ID } from './named-property.js';
import { odataDateTime } from './odata.js';

export interface Recipient {
  readonly emailAddress: { readonly name?: string; readonly address: string };
}

export interface ExtendedProperty {
  readonly id: string;
  readonly value: string;
}

/** The subset of Graph's message resource we set at creation (non-draft items are read-only afterwards). */
export interface MessageJson {
  readonly subject: string;
  readonly body: { readonly contentType: 'html' | 'text'; readonly content: string };
  readonly from?: Recipient;
  readonly sender?: Recipient;
  readonly toRecipients: readonly Recipient[];
  readonly ccRecipients: readonly Recipient[];
  readonly bccRecipients: readonly Recipient[];
  readonly replyTo: readonly Recipient[];
  readonly internetMessageId?: string;
  readonly importance: 'low' | 'normal' | 'high';
  readonly isRead: true;
  readonly internetMessageHeaders?: readonly { readonly name: string; readonly value: string }[];
  readonly singleValueExtendedProperties: readonly ExtendedProperty[];
}

export interface AttachmentPart {
  readonly name: string;
  readonly contentType: string;
  readonly isInline: boolean;
  /** Without angle brackets, as the HTML's `cid:` links name it; null when the part has none. */
  readonly contentId: string | null;
  readonly content: Buffer;
}

export interface ConvertedMessage {
  readonly message: MessageJson;
  readonly attachments: readonly AttachmentPart[];
}

/** PR_MESSAGE_FLAGS = mfRead, without mfUnsent: a read, delivered-looking item, never a draft. */
const MESSAGE_FLAGS = { id: 'Integer 0x0E07', value: '1' } as const;
const DELIVERY_TIME = 'SystemTime 0x0E06';
const CLIENT_SUBMIT_TIME = 'SystemTime 0x0039';

export async function mimeToJson(
  mime: Buffer,
  fingerprint: string,
  extraProperties: readonly ExtendedProperty[] = [],
): Promise<ConvertedMessage> {
  const summary = summarizeMessage(mime);
  // Loaded on first use: mailparser and what it pulls in (html-to-text, linkify-it, encodings) cost every
  // run about 0.3 s of CPU at start-up (measured: node -e "await import('mailparser')"), and most runs
  // upload with importMime and never convert a message to JSON.
  const { simpleParser } = await import('mailparser');
  const mail = await simpleParser(mime, { keepCidLinks: true, checksumAlgo: false });

  const sent = summary.date;
  const topReceived = summary.headers.get('received')?.[0];
  const received = (topReceived === undefined ? null : receivedDate(topReceived)) ?? sent;

  const properties: ExtendedProperty[] = [MESSAGE_FLAGS];
  if (received !== null) properties.push({ id: DELIVERY_TIME, value: odataDateTime(received) });
  if (sent !== null) properties.push({ id: CLIENT_SUBMIT_TIME, value: odataDateTime(sent) });
  properties.push({ id: FINGERPRINT_PROPERTY_ID, value: fingerprint }, ...extraProperties);

  const from = firstAddress(mail.from);
  const senderHeader = mail.headers.get('sender');
  const sender = isAddressObject(senderHeader) ? firstAddress(senderHeader) : from;
  const headers = customHeaders(mail);
  const messageId = mail.messageId?.trim();

  const message: MessageJson = {
    subject: summary.subject,
    body: typeof mail.html === 'string' ? { contentType: 'html', content: mail.html } : { contentType: 'text', content: mail.text ?? '' },
    ...(from === undefined ? {} : { from }),
    ...(sender === undefined ? {} : { sender }),
    toRecipients: recipients(mail.to),
    ccRecipients: recipients(mail.cc),
    bccRecipients: recipients(mail.bcc),
    replyTo: recipients(mail.replyTo),
    // Graph refuses a Message-ID that is not `<...>`; Exchange then makes one up.
    ...(messageId !== undefined && /^<[^<>\s]+>$/.test(messageId) ? { internetMessageId: messageId } : {}),
    importance: importance(mail.headers.get('priority')),
    isRead: true,
    ...(headers.length === 0 ? {} : { internetMessageHeaders: headers }),
    singleValueExtendedProperties: properties,
  };
  return { message, attachments: mail.attachments.map(attachmentPart) };
}

function isAddressObject(value: unknown): value is AddressObject {
  return typeof value === 'object' && value !== null && Array.isArray((value as AddressObject).value);
}

function flatten(addresses: readonly EmailAddress[]): EmailAddress[] {
  return addresses.flatMap((a) => (a.group === undefined ? [a] : flatten(a.group)));
}

function toRecipient(address: EmailAddress): Recipient | undefined {
  if (address.address === undefined || address.address === '') return undefined;
  const name = address.name.trim();
  return { emailAddress: name === '' ? { address: address.address } : { name, address: address.address } };
}

function recipients(field: AddressObject | AddressObject[] | undefined): Recipient[] {
  if (field === undefined) return [];
  const objects = Array.isArray(field) ? field : [field];
  return flatten(objects.flatMap((o) => o.value))
    .map(toRecipient)
    .filter((r): r is Recipient => r !== undefined);
}

function firstAddress(field: AddressObject | undefined): Recipient | undefined {
  return recipients(field)[0];
}

function importance(priority: unknown): MessageJson['importance'] {
  return priority === 'high' || priority === 'low' ? priority : 'normal';
}

/**
 * Graph keeps custom headers only when they start with `x-`, at most five, each at most 995 characters,
 * and only ASCII. We keep the first ones that fit, raw (still RFC 2047 encoded) as they were sent; the
 * rest are lost on this path, which is why importMime is the default.
 */
function customHeaders(mail: ParsedMail): { name: string; value: string }[] {
  const kept: { name: string; value: string }[] = [];
  for (const { key, line } of mail.headerLines) {
    if (kept.length >= MAX_INTERNET_MESSAGE_HEADERS) break;
    if (!key.startsWith('x-')) continue;
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).replace(/\r?\n[ \t]/g, ' ').trim();
    if (value === '' || value.length > MAX_INTERNET_MESSAGE_HEADER_LENGTH) continue;
    if (!/^[\x20-\x7e]*$/.test(value) || !/^[\x21-\x39\x3b-\x7e]+$/.test(name)) continue;
    kept.push({ name, value });
  }
  return kept;
}

function attachmentPart(attachment: Attachment, index: number): AttachmentPart {
  const contentId = attachment.cid ?? null;
  return {
    name: attachment.filename ?? defaultName(attachment.contentType, index),
    contentType: attachment.contentType,
    // Inline means "referenced from the HTML body"; a part with a disposition of inline but no Content-ID
    // cannot be referenced, so Outlook should list it with the other attachments.
    isInline: contentId !== null && (attachment.related === true || attachment.contentDisposition === 'inline'),
    contentId,
    content: attachment.content,
  };
}

function defaultName(contentType: string, index: number): string {
  if (contentType === 'message/rfc822') return `message-${index + 1}.eml`;
  const subtype = /^[a-z]+\/([a-z0-9.+-]+)$/i.exec(contentType)?.[1];
  const extension = subtype === undefined || subtype.length > 8 ? 'bin' : subtype.replace(/^x-/, '');
  return `attachment-${index + 1}.${extension}`;
}
