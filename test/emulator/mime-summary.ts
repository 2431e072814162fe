import iconv from 'iconv-lite';
import libmime from 'libmime';
import { simpleParser, type AddressObject } from 'mailparser';
import type { EmailAddress } from './store.js';
import { graphDateTime } from './store.js';
import { dateField, sentSeconds } from './sent-date.js';

export interface MimeSummary {
  subject: string;
  from: EmailAddress | null;
  toRecipients: EmailAddress[];
  ccRecipients: EmailAddress[];
  bccRecipients: EmailAddress[];
  replyTo: EmailAddress[];
  /** From the Date header (see sent-date.ts); null when it is missing or holds no date and time. */
  sentDateTime: string | null;
  internetMessageId: string | null;
  body: { contentType: 'text' | 'html'; content: string };
  attachments: { name: string; contentType: string; content: Buffer; isInline: boolean; contentId: string | null }[];
}

/** The header block, up to the first empty line. */
function headerBlock(mime: Buffer): Buffer {
  const crlf = mime.indexOf('\r\n\r\n');
  const lf = mime.indexOf('\n\n');
  const ends = [crlf, lf].filter((index) => index >= 0);
  return ends.length === 0 ? mime : mime.subarray(0, Math.min(...ends));
}

/** A message must at least start with a header field; Exchange rejects anything else as invalid MIME. */
export function looksLikeMime(mime: Buffer): boolean {
  return /^[!-9;-~]+:/.test(mime.subarray(0, 1000).toString('latin1'));
}

function decodeRawHeaderBytes(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return iconv.decode(bytes, 'windows-1252');
  }
}

/**
 * Decodes Subject as Exchange shows it: raw 8-bit bytes as UTF-8 when valid else windows-1252, then RFC 2047
 * words. mailparser alone turns raw latin1 into replacement characters.
 */
export function decodeSubject(mime: Buffer): string {
  const lines = headerBlock(mime).toString('latin1').split(/\r?\n/);
  let raw: string | undefined;
  for (const line of lines) {
    if (raw !== undefined) {
      if (/^[ \t]/.test(line)) {
        raw += line;
        continue;
      }
      break;
    }
    const match = /^subject:[ \t]?(.*)$/i.exec(line);
    if (match) raw = match[1] ?? '';
  }
  if (raw === undefined) return '';
  return libmime.decodeWords(decodeRawHeaderBytes(Buffer.from(raw, 'latin1'))).trim();
}

function addresses(header: AddressObject | AddressObject[] | undefined): EmailAddress[] {
  const objects = header === undefined ? [] : Array.isArray(header) ? header : [header];
  return objects.flatMap((object) =>
    object.value.flatMap((entry) => (entry.group ?? [entry]).map((member) => ({
      emailAddress: { name: member.name || (member.address ?? ''), address: member.address ?? '' },
    }))),
  );
}

/**
 * sentDateTime as Exchange takes it from the Date header. Not mailparser's `date`: that is `new Date(value)`,
 * local time for a zone-less date and "now" for anything V8 cannot read.
 */
export function sentDateTimeOf(mime: Buffer): string | null {
  const raw = dateField(headerBlock(mime).toString('latin1'));
  const seconds = raw === undefined ? null : sentSeconds(raw);
  return seconds === null ? null : graphDateTime(new Date(seconds * 1000));
}

export async function summariseMime(mime: Buffer): Promise<MimeSummary> {
  const parsed = await simpleParser(mime, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
  const date = sentDateTimeOf(mime);
  const html = typeof parsed.html === 'string' ? parsed.html : undefined;
  return {
    subject: decodeSubject(mime),
    from: addresses(parsed.from)[0] ?? null,
    toRecipients: addresses(parsed.to),
    ccRecipients: addresses(parsed.cc),
    bccRecipients: addresses(parsed.bcc),
    replyTo: addresses(parsed.replyTo),
    sentDateTime: date,
    internetMessageId: parsed.messageId ?? null,
    body: html !== undefined ? { contentType: 'html', content: html } : { contentType: 'text', content: parsed.text ?? '' },
    attachments: parsed.attachments.map((attachment) => ({
      name: attachment.filename ?? 'attachment',
      contentType: attachment.contentType,
      content: attachment.content,
      isInline: attachment.contentDisposition === 'inline',
      contentId: attachment.contentId ?? null,
    })),
  };
}
