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

/** Adds each attachment in order; `progress.added` tells the caller how far it got if one fails. */
export async function addAttachments(
  http: GraphRequester,
  mailbox: string,
  messageId: string,
  attachments: readonly AttachmentPart[],
  session: UploadSessionOptions,
  progress: AttachmentProgress,
): Promise<void> {
  const base = `${userPath(mailbox)}/messages/${segment(messageId)}/attachments`;
  const sentByName = new Map<string, number>();
  for (const part of attachments) {
    const before = sentByName.get(part.name) ?? 0;
    if (part.content.length < SMALL_ATTACHMENT_MAX_BYTES) {
      await postAttachment(http, mailbox, base, part, before);
    } else {
      await sessionAttachment(http, mailbox, base, part, session);
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
      const present = await collectAll<{ name: string }>(http, mailbox, `${base}${queryString({ $select: 'id,name' })}`);
      if (present.filter((a) => a.name === part.name).length > sameNameBefore) return;
    }
  }
}

async function sessionAttachment(
  http: GraphRequester,
  mailbox: string,
  base: string,
  part: AttachmentPart,
  session: UploadSessionOptions,
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
  await uploadBySession(http, mailbox, created.body.uploadUrl, part.content, session);
}
