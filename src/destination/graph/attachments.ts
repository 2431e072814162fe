/**
 * Adding the attachments of a JSON-path message after it was created: below 3 MB by POST, from 3 MB by
 * upload session. Attachment POSTs are creates too: after an ambiguous failure we count what the message
 * already has before sending again, so an attachment is neither lost nor doubled.
 */
import { AmbiguousCreateError } from '../../accounting/errors.js';
import type { GraphRequester } from './graph-requester.js';
import { INLINE_CREATE_MAX_BYTES, SMALL_ATTACHMENT_MAX_BYTES } from './limits.js';
import type { AttachmentPart } from './mime-to-json.js';
import { queryString, segment, userPath } from './odata.js';
import { collectAll } from './paging.js';
import { uploadBySession, type UploadSessionOptions } from './upload-session.js';

export interface FileAttachmentJson {
  readonly '@odata.type': '#microsoft.graph.fileAttachment';
  readonly name: string;
  readonly contentType: string;
  readonly isInline: boolean;
  readonly contentId?: string;
  readonly contentBytes: string;
}

export function fileAttachmentJson(part: AttachmentPart): FileAttachmentJson {
  return {
    '@odata.type': '#microsoft.graph.fileAttachment',
    name: part.name,
    contentType: part.contentType,
    isInline: part.isInline,
    ...(part.contentId === null ? {} : { contentId: part.contentId }),
    contentBytes: part.content.toString('base64'),
  };
}

/**
 * Which attachments ride in the create request itself (saving a request each) and which are added after.
 * Greedy in message order while the whole create stays within INLINE_CREATE_MAX_BYTES.
 */
export function splitAttachments(
  messageJsonBytes: number,
  attachments: readonly AttachmentPart[],
  budget = INLINE_CREATE_MAX_BYTES,
): { inline: AttachmentPart[]; later: AttachmentPart[] } {
  const inline: AttachmentPart[] = [];
  const later: AttachmentPart[] = [];
  let bytes = messageJsonBytes;
  for (const part of attachments) {
    // base64 plus the JSON around it; an over-estimate keeps us clear of the request limit.
    const cost = Math.ceil(part.content.length / 3) * 4 + Buffer.byteLength(part.name) + part.contentType.length + 256;
    if (part.content.length < SMALL_ATTACHMENT_MAX_BYTES && bytes + cost <= budget) {
      inline.push(part);
      bytes += cost;
    } else {
      later.push(part);
    }
  }
  return { inline, later };
}

export interface AttachmentProgress {
  added: number;
}

function countByName(parts: readonly { name: string }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { name } of parts) counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
}

/** The names of the attachments the message holds now. */
export function attachmentNames(http: GraphRequester, mailbox: string, messageId: string): Promise<string[]> {
  return namesAt(http, mailbox, `${userPath(mailbox)}/messages/${segment(messageId)}/attachments`);
}

/** The names of the attachments listed at `base` (a message's `/attachments`). */
async function namesAt(http: GraphRequester, mailbox: string, base: string): Promise<string[]> {
  return (await collectAll<{ name: string }>(http, mailbox, `${base}${queryString({ $select: 'id,name' })}`)).map((a) => a.name);
}

/**
 * Of `later` (added in order after a create that carried `inline`), those the message does not hold yet: a
 * run stopped part-way through adding them left a prefix of each name's share on the message.
 */
export function notYetAdded(present: readonly string[], inline: readonly AttachmentPart[], later: readonly AttachmentPart[]): AttachmentPart[] {
  const extra = countByName(present.map((name) => ({ name })));
  for (const [name, count] of countByName(inline)) extra.set(name, (extra.get(name) ?? 0) - count);
  return later.filter((part) => {
    const left = extra.get(part.name) ?? 0;
    if (left <= 0) return true;
    extra.set(part.name, left - 1);
    return false;
  });
}

/**
 * Adds each attachment in order; `progress.added` tells the caller how far it got if one fails. `onMessage`:
 * the attachments the message already holds (those of the create), which an attachment of the same name
 * must not be mistaken for when checking whether a lost request landed.
 */
export async function addAttachments(
  http: GraphRequester,
  mailbox: string,
  messageId: string,
  attachments: readonly AttachmentPart[],
  session: UploadSessionOptions,
  progress: AttachmentProgress,
  onMessage: readonly { name: string }[] = [],
): Promise<void> {
  const base = `${userPath(mailbox)}/messages/${segment(messageId)}/attachments`;
  const sentByName = countByName(onMessage);
  for (const part of attachments) {
    const before = sentByName.get(part.name) ?? 0;
    if (part.content.length < SMALL_ATTACHMENT_MAX_BYTES) {
      await postAttachment(http, mailbox, base, part, before);
    } else {
      await sessionAttachment(http, mailbox, base, part, session, before);
    }
    sentByName.set(part.name, before + 1);
    progress.added += 1;
  }
}

async function postAttachment(
  http: GraphRequester,
  mailbox: string,
  base: string,
  part: AttachmentPart,
  sameNameBefore: number,
): Promise<void> {
  const body = JSON.stringify(fileAttachmentJson(part));
  for (let attempt = 0; ; attempt += 1) {
    try {
      await http.request(mailbox, {
        method: 'POST',
        path: base,
        contentType: 'application/json',
        body,
        isCreate: true,
        uploadBytes: Buffer.byteLength(body),
      });
      return;
    } catch (error) {
      if (!(error instanceof AmbiguousCreateError) || attempt >= 1) throw error;
      if (await landed(http, mailbox, base, part, sameNameBefore)) return;
    }
  }
}

/** Whether the message holds more attachments named as `part` than the `sameNameBefore` it held before it was sent. */
async function landed(http: GraphRequester, mailbox: string, base: string, part: AttachmentPart, sameNameBefore: number): Promise<boolean> {
  return (await namesAt(http, mailbox, base)).filter((name) => name === part.name).length > sameNameBefore;
}

async function sessionAttachment(
  http: GraphRequester,
  mailbox: string,
  base: string,
  part: AttachmentPart,
  session: UploadSessionOptions,
  sameNameBefore: number,
): Promise<void> {
  // Creating a session creates nothing visible, so a resent one cannot duplicate the attachment.
  const created = await http.request<{ uploadUrl: string }>(mailbox, {
    method: 'POST',
    path: `${base}/createUploadSession`,
    contentType: 'application/json',
    body: {
      AttachmentItem: {
        attachmentType: 'file',
        name: part.name,
        size: part.content.length,
        contentType: part.contentType,
        isInline: part.isInline,
        ...(part.contentId === null ? {} : { contentId: part.contentId }),
      },
    },
  });
  try {
    await uploadBySession(http, mailbox, created.body.uploadUrl, part.content, session);
  } catch (error) {
    // The answer to the last range lost: the attachment is added and the session gone, so the session
    // cannot say so; only the message can.
    if (await landed(http, mailbox, base, part, sameNameBefore).catch(() => false)) return;
    throw error;
  }
}
