/**
 * The JSON path: for messages too large for importMime and for tenants without Mail-Advanced. Creates a
 * non-draft message from the parsed MIME, then adds the attachments that did not fit in the create.
 */
import { randomUUID } from 'node:crypto';
import { AmbiguousCreateError, NoRetryError } from '../../accounting/errors.js';
import { addAttachments, fileAttachmentJson, splitAttachments } from './attachments.js';
import type { GraphRequester } from './graph-requester.js';
import { MAX_REQUEST_BYTES } from './limits.js';
import { errorCode, errorStatus } from './graph-error.js';
import { mimeToJson } from './mime-to-json.js';
import { ATTEMPT_PROPERTY_ID, propertyEqualsFilter } from './named-property.js';
import { queryString, segment, userPath } from './odata.js';
import { collectAll } from './paging.js';
import { PartialUploadError } from './upload-errors.js';
import type { UploadSessionOptions } from './upload-session.js';

export interface JsonUploadOptions {
  readonly session: UploadSessionOptions;
  /** Creates sent again after an ambiguous failure that the attempt marker showed did not land. */
  readonly maxCreateResends: number;
}

export async function uploadJson(
  http: GraphRequester,
  mailbox: string,
  folderId: string,
  mime: Buffer,
  fingerprint: string,
  options: JsonUploadOptions,
): Promise<string> {
  // A marker unique to this upload: after an ambiguous create it tells exactly whether the create landed,
  // even when the folder already holds other copies with the same fingerprint.
  const attempt = randomUUID();
  const { message, attachments } = await mimeToJson(mime, fingerprint, [{ id: ATTEMPT_PROPERTY_ID, value: attempt }]);
  const messageBytes = Buffer.byteLength(JSON.stringify(message));
  if (messageBytes > MAX_REQUEST_BYTES) {
    throw new NoRetryError(
      `message body and headers alone are ${messageBytes} bytes as JSON, over Graph's ${MAX_REQUEST_BYTES}-byte request limit`,
      'MessageBodyTooLarge',
    );
  }
  const { inline, later } = splitAttachments(messageBytes, attachments);
  const body = JSON.stringify(inline.length === 0 ? message : { ...message, attachments: inline.map(fileAttachmentJson) });

  const id = await createOnce(http, mailbox, folderId, body, attempt, options.maxCreateResends);

  const progress = { added: 0 };
  try {
    await addAttachments(http, mailbox, id, later, options.session, progress);
  } catch (error) {
    const failed = later[progress.added];
    throw new PartialUploadError(id, 'json', failed?.name ?? '?', inline.length + progress.added, attachments.length, sensitiveRuleError(error));
  }
  return id;
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

async function createOnce(
  http: GraphRequester,
  mailbox: string,
  folderId: string,
  body: string,
  attempt: string,
  maxResends: number,
): Promise<string> {
  const messages = `${userPath(mailbox)}/mailFolders/${segment(folderId)}/messages`;
  for (let resends = 0; ; resends += 1) {
    try {
      const response = await http.request<{ id: string }>(mailbox, {
        method: 'POST',
        path: messages,
        contentType: 'application/json',
        body,
        isCreate: true,
        uploadBytes: Buffer.byteLength(body),
      });
      return response.body.id;
    } catch (error) {
      if (!(error instanceof AmbiguousCreateError)) throw error;
      const query = queryString({ $filter: propertyEqualsFilter(ATTEMPT_PROPERTY_ID, attempt), $select: 'id' });
      const landed = await collectAll<{ id: string }>(http, mailbox, `${messages}${query}`);
      if (landed[0] !== undefined) return landed[0].id;
      if (resends >= maxResends) throw error;
    }
  }
}
