/**
 * The JSON path: for messages too large for importMime and for tenants without Mail-Advanced. Creates a
 * non-draft message from the parsed MIME, then adds the attachments that did not fit in the create.
 */
import { randomUUID } from 'node:crypto';
import { NoRetryError } from '../../accounting/errors.js';
import { addAttachments, attachmentNames, fileAttachmentJson, notYetAdded, splitAttachments } from './attachments.js';
import type { GraphRequester } from './graph-requester.js';
import { MAX_REQUEST_BYTES } from './limits.js';
import { errorCode, errorStatus } from './graph-error.js';
import { mimeToJson, type AttachmentPart } from './mime-to-json.js';
import { ATTEMPT_PROPERTY_ID } from './named-property.js';
import { segment, userPath } from './odata.js';
import { PartialUploadError } from './upload-errors.js';
import type { UploadSessionOptions } from './upload-session.js';

export interface JsonUploadOptions {
  readonly session: UploadSessionOptions;
}

/** The create request's body and the attachments too large to go in it, added one by one afterwards. */
interface JsonPlan {
  readonly body: string;
  /** The attachments that ride in the create. */
  readonly inline: readonly AttachmentPart[];
  readonly later: readonly AttachmentPart[];
  readonly total: number;
}

async function planJsonUpload(mime: Buffer, fingerprint: string): Promise<JsonPlan> {
  // A marker unique to this upload, so that it can be told apart from another copy with the same fingerprint.
  const { message, attachments } = await mimeToJson(mime, fingerprint, [{ id: ATTEMPT_PROPERTY_ID, value: randomUUID() }]);
  const messageBytes = Buffer.byteLength(JSON.stringify(message));
  if (messageBytes > MAX_REQUEST_BYTES) {
    throw new NoRetryError(
      `message body and headers alone are ${messageBytes} bytes as JSON, over Graph's ${MAX_REQUEST_BYTES}-byte request limit: ` +
        'no run can import it through Graph; import the .eml by hand (Outlook takes it dragged into the folder)',
      'MessageBodyTooLarge',
    );
  }
  const { inline, later } = splitAttachments(messageBytes, attachments);
  const body = JSON.stringify(inline.length === 0 ? message : { ...message, attachments: inline.map(fileAttachmentJson) });
  return { body, inline, later, total: attachments.length };
}

/**
 * From 31 December 2026 Graph refuses changes to non-draft messages without Mail-Advanced.ReadWrite.All,
 * and an attachment added after the create may count as one: a 403 here means that, whatever the generic
 * diagnosis says about Mail.ReadWrite (which the create just proved the app has).
 */
function sensitiveRuleError(error: unknown): unknown {
  if (errorStatus(error) !== 403) return error;
  const sentence =
    'Graph refused to add an attachment to the non-draft message just created (403): grant the application permission ' +
    'Mail-Advanced.ReadWrite.All; from 31 December 2026 Graph needs it to change a non-draft message, which the JSON path ' +
    'does for attachments that do not fit in the create';
  return Object.assign(new NoRetryError(sentence, errorCode(error), 403), { requestId: (error as { requestId?: string }).requestId });
}

/**
 * Creates the message; throws AmbiguousCreateError (from the HTTP layer) when the create may or may not
 * have happened, and PartialUploadError when it was created without all its attachments.
 */
export async function uploadJson(
  http: GraphRequester,
  mailbox: string,
  folderId: string,
  mime: Buffer,
  fingerprint: string,
  options: JsonUploadOptions,
  /** For the message create (GraphRequest.onSend); the attachments follow only once it answered. */
  onSend?: () => void,
): Promise<string> {
  const plan = await planJsonUpload(mime, fingerprint);
  const response = await http.request<{ id: string }>(mailbox, {
    method: 'POST',
    path: `${userPath(mailbox)}/mailFolders/${segment(folderId)}/messages`,
    contentType: 'application/json',
    body: plan.body,
    isCreate: true,
    uploadBytes: Buffer.byteLength(plan.body),
    onSend,
  });
  await addLaterAttachments(http, mailbox, response.body.id, plan, options);
  return response.body.id;
}

/**
 * A JSON create found later under `id` (its answer lost, or the run stopped before it was recorded): it holds
 * the attachments that went inline and, if the run stopped while adding the others, the first of those; the
 * rest are added now, none twice.
 */
export async function completeJsonUpload(http: GraphRequester, mailbox: string, id: string, mime: Buffer, fingerprint: string, options: JsonUploadOptions): Promise<void> {
  const plan = await planJsonUpload(mime, fingerprint);
  if (plan.later.length === 0) return;
  const present = await attachmentNames(http, mailbox, id);
  const missing = notYetAdded(present, plan.inline, plan.later);
  await addLaterAttachments(http, mailbox, id, { ...plan, later: missing }, options, present.map((name) => ({ name })));
}

async function addLaterAttachments(
  http: GraphRequester,
  mailbox: string,
  id: string,
  plan: Pick<JsonPlan, 'inline' | 'later' | 'total'>,
  options: JsonUploadOptions,
  onMessage: readonly { name: string }[] = plan.inline,
): Promise<void> {
  const progress = { added: 0 };
  try {
    await addAttachments(http, mailbox, id, plan.later, options.session, progress, onMessage);
  } catch (error) {
    const failed = plan.later[progress.added];
    const held = plan.total - plan.later.length + progress.added;
    throw new PartialUploadError(id, 'json', failed?.name ?? '?', held, plan.total, sensitiveRuleError(error));
  }
}
