import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { jsonReply, type Reply } from '../http/reply.js';
import { graphDateTime } from '../store.js';
import { jsonBody, messageParam, type GraphContext } from './context.js';
import { GraphHttpError, graphErrors } from './errors.js';
import { storedAttachment, newChangeKey } from './new-message.js';
import { refuseAttachmentIfConfigured, requireSensitiveChangeAllowed } from './tenant-rules.js';

const MAX_UPLOAD_BYTES = 150 * 1024 * 1024;
/**
 * Graph refuses a session below 2 MiB (ErrorAttachmentSizeShouldNotBeLessThanMinimumSize), measured by a user
 * (microsoftgraph/msgraph-sdk-java#52); the docs' "between 3 MB and 150 MB" is advice, not the bound.
 */
const MIN_UPLOAD_BYTES = 2 * 1024 * 1024;
const SESSION_LIFETIME_MS = 6 * 60 * 60 * 1000;

export interface UploadSession {
  id: string;
  token: string;
  upn: string;
  appId: string;
  messageId: string;
  name: string;
  size: number;
  contentType: string;
  isInline: boolean;
  contentId: string | null;
  chunks: Buffer[];
  received: number;
  expiresAt: number;
}

export class UploadSessions {
  private readonly sessions = new Map<string, UploadSession>();

  create(session: Omit<UploadSession, 'id' | 'token' | 'chunks' | 'received' | 'expiresAt'>): UploadSession {
    const created: UploadSession = {
      ...session,
      id: randomUUID(),
      token: randomBytes(24).toString('base64url'),
      chunks: [],
      received: 0,
      expiresAt: Date.now() + SESSION_LIFETIME_MS,
    };
    this.sessions.set(created.id, created);
    return created;
  }

  /** The session only if the pre-authenticated token in its URL matches. */
  authorised(id: string, token: string | null): UploadSession | undefined {
    const session = this.sessions.get(id);
    if (!session || token === null) return undefined;
    const expected = Buffer.from(session.token);
    const actual = Buffer.from(token);
    return expected.length === actual.length && timingSafeEqual(expected, actual) ? session : undefined;
  }

  finish(id: string): void {
    this.sessions.delete(id);
  }
}

/** POST …/messages/{id}/attachments/createUploadSession for attachments of 3 MB to 150 MB. */
export function createUploadSession(context: GraphContext): Reply {
  const message = messageParam(context);
  requireSensitiveChangeAllowed(context, message);
  refuseAttachmentIfConfigured(context);
  const item = (jsonBody(context)['AttachmentItem'] ?? {}) as Record<string, unknown>;
  const { attachmentType, name, size, contentType, isInline, contentId } = item;
  if (attachmentType !== 'file' || typeof name !== 'string' || typeof size !== 'number') {
    throw graphErrors.invalidProperty("AttachmentItem needs attachmentType 'file', a name and a size.");
  }
  if (size < MIN_UPLOAD_BYTES) {
    throw new GraphHttpError(400, 'ErrorAttachmentSizeShouldNotBeLessThanMinimumSize', 'Attachment size must be greater than the minimum size.');
  }
  if (size > MAX_UPLOAD_BYTES) {
    throw new GraphHttpError(400, 'ErrorAttachmentSizeShouldNotBeGreaterThanMaximumSize', 'Attachment size must be less than the maximum size.');
  }
  const session = context.state.uploads.create({
    upn: context.mailbox.upn,
    appId: context.claims.appid,
    messageId: message.id,
    name,
    size,
    contentType: typeof contentType === 'string' ? contentType : 'application/octet-stream',
    isInline: isInline === true,
    contentId: typeof contentId === 'string' ? contentId : null,
  });
  return jsonReply(201, {
    '@odata.context': `${context.state.url}/${context.version}/$metadata#microsoft.graph.uploadSession`,
    uploadUrl: `${context.state.uploadBaseUrl}/_upload/sessions/${session.id}?authtoken=${session.token}`,
    expirationDateTime: graphDateTime(new Date(session.expiresAt)),
    nextExpectedRanges: ['0-'],
  });
}

function uploadError(status: number, code: string, message: string): Reply {
  return jsonReply(status, { error: { code, message } });
}

/**
 * PUT {uploadUrl} with Content-Range: bytes in order; 200 with nextExpectedRanges until the last chunk,
 * then 201 with the attachment's Location. The URL is pre-authenticated, so a bearer token is refused.
 */
export function uploadChunk(
  context: { state: GraphContext['state']; session: UploadSession; contentRange: string | undefined; body: Buffer },
): Reply {
  const { session, body } = context;
  const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(context.contentRange ?? '');
  if (!range) return uploadError(400, 'InvalidContentRange', 'The Content-Range header is missing or malformed.');
  const [start, end, total] = [Number(range[1]), Number(range[2]), Number(range[3])];
  if (total !== session.size || end < start || end >= total || end - start + 1 !== body.length) {
    return uploadError(400, 'InvalidContentRange', 'The Content-Range header does not match the session or the body.');
  }
  if (start !== session.received) {
    return uploadError(416, 'RequestedRangeNotSatisfiable', `The requested range is not satisfiable. Expected range starts at ${session.received}.`);
  }
  session.chunks.push(Buffer.from(body));
  session.received += body.length;
  if (session.received < session.size) {
    return jsonReply(200, {
      ExpirationDateTime: graphDateTime(new Date(session.expiresAt)),
      nextExpectedRanges: [`${session.received}-`],
    });
  }
  context.state.uploads.finish(session.id);
  const mailbox = context.state.store.get(session.upn);
  const message = mailbox?.messages.get(session.messageId);
  if (!mailbox || !message) return uploadError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
  const attachment = storedAttachment({
    name: session.name,
    contentType: session.contentType,
    content: Buffer.concat(session.chunks),
    isInline: session.isInline,
    contentId: session.contentId,
  });
  message.attachments.push(attachment);
  message.changeKey = newChangeKey();
  mailbox.touchMessage(message);
  return {
    status: 201,
    headers: {
      Location: `${context.state.url}/v1.0/users('${encodeURIComponent(session.upn)}')/messages('${message.id}')/attachments('${attachment.id}')`,
    },
  };
}
