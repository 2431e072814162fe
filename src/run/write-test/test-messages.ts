/**
 * The messages doctor's write test uploads: each exercises what a real export will, in small. An encoded
 * non-ASCII subject, a Date with a zone, a Message-ID and one attachment; and two sized around the
 * importMime limit that the import itself applies (src/policy/upload-method.ts).
 */
import { randomBytes } from 'node:crypto';
import { base64Size, GRAPH_MAX_REQUEST_BYTES, REQUEST_SAFETY_MARGIN_BYTES, type UploadMethod } from '../../policy/upload-method.js';
import { SMALL_ATTACHMENT_MAX_BYTES } from '../../destination/graph/limits.js';

export interface TestMessage {
  /** Short label for the check lines: `importMime`, `JSON`, `importMime at the size limit`, … */
  readonly label: string;
  readonly method: UploadMethod;
  readonly mime: Buffer;
  readonly attachmentName: string;
  readonly attachmentBytes: number;
}

/** The subject as written: two RFC 2047 words in two charsets, then ASCII, as real mail mixes them. */
const SUBJECT_TEXT = 'Grüße aus Zürich – 東京 ✓';

function encodedSubject(label: string): string {
  const utf8 = `=?UTF-8?B?${Buffer.from(SUBJECT_TEXT, 'utf8').toString('base64')}?=`;
  const latin1 = `=?ISO-8859-1?Q?d=E9j=E0_vu?=`;
  return `${utf8}\r\n ${latin1} (eml-import write test, ${label})`;
}

function wrapBase64(bytes: Buffer): string {
  return (bytes.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
}

function build(label: string, mailbox: string, stamp: string, attachment: Buffer, attachmentName: string): Buffer {
  const boundary = `=_eml-import-${randomBytes(6).toString('hex')}`;
  const slug = label.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const head = [
    `From: eml-import doctor <${mailbox}>`,
    `To: <${mailbox}>`,
    `Subject: ${encodedSubject(label)}`,
    // A zone other than UTC, so a server that ignores it shows up as a shifted sentDateTime.
    'Date: Tue, 05 Mar 2024 09:15:30 +0100',
    `Message-ID: <write-test.${slug}.${stamp}.${randomBytes(4).toString('hex')}@eml-import.invalid>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
  ].join('\r\n');
  const body = [
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    `This message was written by eml-import doctor --write-test and is deleted at once. (${label})`,
    `--${boundary}`,
    `Content-Type: application/octet-stream; name="${attachmentName}"`,
    `Content-Disposition: attachment; filename="${attachmentName}"`,
    'Content-Transfer-Encoding: base64',
    '',
    wrapBase64(attachment),
    `--${boundary}--`,
    '',
  ].join('\r\n');
  return Buffer.from(`${head}\r\n\r\n${body}`, 'utf8');
}

/** The largest raw message the import still sends by importMime. */
export function importMimeLimitBytes(): number {
  return Math.floor((GRAPH_MAX_REQUEST_BYTES - REQUEST_SAFETY_MARGIN_BYTES) / 4) * 3;
}

/** A message whose whole size lands just at or under `targetBytes` (base64 lines make it approximate). */
function sized(label: string, mailbox: string, stamp: string, targetBytes: number): { mime: Buffer; attachment: Buffer } {
  let attachmentBytes = Math.floor((targetBytes * 57) / 78);
  for (let round = 0; round < 6; round += 1) {
    const attachment = randomBytes(attachmentBytes);
    const mime = build(label, mailbox, stamp, attachment, 'probe-large.bin');
    const over = mime.length - targetBytes;
    if (over <= 0 && over > -4096) return { mime, attachment };
    attachmentBytes -= Math.ceil((over * 57) / 78) + (over > 0 ? 64 : 0);
  }
  const attachment = randomBytes(attachmentBytes);
  return { mime: build(label, mailbox, stamp, attachment, 'probe-large.bin'), attachment };
}

export function writeTestMessages(mailbox: string, now: Date, options: { importMime: boolean }): TestMessage[] {
  const stamp = now.toISOString().replace(/[^0-9]/g, '').slice(0, 14);
  const small = randomBytes(20 * 1024);
  const messages: TestMessage[] = [];
  if (options.importMime) {
    messages.push({ label: 'importMime', method: 'importMime', mime: build('importMime', mailbox, stamp, small, 'probe.bin'), attachmentName: 'probe.bin', attachmentBytes: small.length });
  }
  messages.push({ label: 'JSON', method: 'json', mime: build('JSON', mailbox, stamp, small, 'probe.bin'), attachmentName: 'probe.bin', attachmentBytes: small.length });
  if (options.importMime) {
    const under = sized('importMime at the size limit', mailbox, stamp, importMimeLimitBytes());
    if (base64Size(under.mime.length) > GRAPH_MAX_REQUEST_BYTES - REQUEST_SAFETY_MARGIN_BYTES) throw new Error('write test: the at-limit message came out too large');
    messages.push({ label: 'importMime at the size limit', method: 'importMime', mime: under.mime, attachmentName: 'probe-large.bin', attachmentBytes: under.attachment.length });
  }
  // Just over the upload-session threshold, which also puts the message over importMime's limit: the
  // JSON path's largest step, an attachment added to a non-draft by upload session.
  const large = randomBytes(SMALL_ATTACHMENT_MAX_BYTES + 64 * 1024);
  messages.push({
    label: 'JSON over the size limit',
    method: 'json',
    mime: build('JSON over the size limit', mailbox, stamp, large, 'probe-large.bin'),
    attachmentName: 'probe-large.bin',
    attachmentBytes: large.length,
  });
  return messages;
}
