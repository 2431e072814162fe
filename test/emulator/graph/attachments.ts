import { jsonReply, type Reply } from '../http/reply.js';
import type { StoredAttachment } from '../store.js';
import { graphDateTime } from '../store.js';
import { contextUrl, jsonBody, messageParam, type GraphContext } from './context.js';
import { graphErrors } from './errors.js';
import { fileAttachmentFrom, MAX_INLINE_ATTACHMENT_BYTES } from './json-message.js';
import { newChangeKey } from './new-message.js';
import { refuseAttachmentIfConfigured, requireSensitiveChangeAllowed } from './tenant-rules.js';

export function attachmentView(attachment: StoredAttachment): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.fileAttachment',
    id: attachment.id,
    lastModifiedDateTime: attachment.lastModifiedDateTime,
    name: attachment.name,
    contentType: attachment.contentType,
    size: attachment.size,
    isInline: attachment.isInline,
    contentId: attachment.contentId,
    contentBytes: attachment.content.toString('base64'),
  };
}

/** POST …/messages/{id}/attachments: a fileAttachment under 3 MB; bigger ones need an upload session. */
export function addAttachment(context: GraphContext): Reply {
  const message = messageParam(context);
  requireSensitiveChangeAllowed(context, message);
  refuseAttachmentIfConfigured(context);
  const attachment = fileAttachmentFrom(jsonBody(context));
  if (attachment.size >= MAX_INLINE_ATTACHMENT_BYTES) throw graphErrors.requestTooLarge();
  message.attachments.push(attachment);
  message.lastModifiedDateTime = graphDateTime(new Date());
  message.changeKey = newChangeKey();
  context.mailbox.touchMessage(message);
  return jsonReply(201, {
    '@odata.context': contextUrl(context, `messages('${message.id}')/attachments/$entity`),
    ...attachmentView(attachment),
  });
}

export function listAttachments(context: GraphContext): Reply {
  const message = messageParam(context);
  return jsonReply(200, {
    '@odata.context': contextUrl(context, `messages('${message.id}')/attachments`),
    value: message.attachments.map(attachmentView),
  });
}
