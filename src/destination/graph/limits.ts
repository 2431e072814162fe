/** Graph's size limits that shape how a message is sent; each bound says where it comes from. */

/** Graph rejects any request body above 4 MB ("The maximum request length supported is 4MB"). */
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

/**
 * Attachments below this go by `POST /attachments`; from it up, by upload session (Graph's "under 3 MB" rule,
 * read as 3,000,000). At 3 MiB the POST body itself (base64 plus its JSON) passes the 4 MiB request limit:
 * an attachment of 3,145,688 bytes was refused 413 and its message left without it. Measured on Graph:
 * POST takes at most 3,145,611 bytes, an upload session at least 2,097,152 (msgraph-sdk-java#52).
 */
export const SMALL_ATTACHMENT_MAX_BYTES = 3_000_000;

/**
 * The create request may carry attachments inline while it stays below this, saving a request per
 * attachment against the 10,000 per 10 minutes budget; Graph documents about 3 MB for inline attachments.
 */
export const INLINE_CREATE_MAX_BYTES = 3 * 1024 * 1024;

/** Upload-session chunk: a multiple of 320 KiB as Microsoft recommends, well under the 4 MB request limit. */
export const UPLOAD_CHUNK_BYTES = 10 * 320 * 1024;

/** Graph accepts at most five custom `x-` headers per message, each value at most 995 characters. */
export const MAX_INTERNET_MESSAGE_HEADERS = 5;
export const MAX_INTERNET_MESSAGE_HEADER_LENGTH = 995;

/**
 * The longest request path a lookup sends. A lookup's `$filter` carries a subject or Message-ID, and one of
 * 130,000 characters (flanker's long-header.eml) was refused (431 here; 400 "Request Too Long" or 414 at
 * Graph's front doors) and failed its message after an unanswered create (CI, corpus kill test). Graph
 * itself hands out nextLinks of 8,000 characters, so its gateway takes those; IIS's default limit for a
 * whole URL is 4,096. Past this a lookup reads the folder and compares instead (find-message.ts): slower,
 * and only for the rare message with such a subject (over some 400 CJK characters) or Message-ID. The
 * archive check (archive.ts) leaves such a message missing rather than fail the reconcile.
 */
export const MAX_LOOKUP_PATH_CHARS = 4_000;
