/** The default upload: beta `importMime`, the original bytes straight into the folder as a non-draft. */
import type { GraphRequester } from './graph-requester.js';
import { MAX_REQUEST_BYTES } from './limits.js';
import { segment, userPath } from './odata.js';

/** Base64 grows every 3 bytes to 4; the body carries nothing else. */
export function importMimeBodyBytes(mimeBytes: number): number {
  return Math.ceil(mimeBytes / 3) * 4;
}

export function fitsImportMime(mime: Buffer): boolean {
  return importMimeBodyBytes(mime.length) <= MAX_REQUEST_BYTES;
}

/** Creates the message and returns its id. Throws AmbiguousCreateError (from the HTTP layer) when unsure. */
export async function uploadImportMime(
  http: GraphRequester,
  mailbox: string,
  folderId: string,
  mime: Buffer,
  onSend?: () => void,
): Promise<string> {
  // Unwrapped base64 of the exact bytes: Graph's MIME endpoints take no line breaks. As bytes, so that the
  // request holds one copy while in flight (a string was copied again into bytes to be sent).
  const body = Buffer.from(mime.toString('base64'), 'latin1');
  const response = await http.request<{ id: string }>(mailbox, {
    method: 'POST',
    version: 'beta',
    path: `${userPath(mailbox)}/mailFolders/${segment(folderId)}/importMime`,
    contentType: 'text/plain',
    body,
    isCreate: true,
    uploadBytes: body.length,
    onSend,
  });
  return response.body.id;
}
