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

/** 24 KiB of input, 32 KiB of base64: a string V8 keeps in its young generation. */
const BASE64_STEP_BYTES = 3 * 8192;

/**
 * The message as unwrapped base64 bytes, encoded a slice at a time into one buffer. Encoding it whole made
 * a string the size of the body (up to 4 MB) and then copied it into bytes: the large string lands in
 * fresh memory of its own, and its page faults and copies were about 5 % of an estate import's CPU
 * (perf, bench:estate at 32 mailboxes).
 */
export function base64Body(mime: Buffer): Buffer {
  const body = Buffer.allocUnsafe(importMimeBodyBytes(mime.length));
  let written = 0;
  for (let at = 0; at < mime.length; at += BASE64_STEP_BYTES) {
    written += body.write(mime.subarray(at, at + BASE64_STEP_BYTES).toString('base64'), written, 'latin1');
  }
  return body.subarray(0, written);
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
  const body = base64Body(mime);
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
