/** Which upload method fits a message: the beta importMime action, or the JSON path. */

/** Graph rejects any request body above 4 MB ("The maximum request length supported is 4MB"). */
export const GRAPH_MAX_REQUEST_BYTES = 4 * 1024 * 1024;

/**
 * Kept free below the limit: whether Graph counts "4 MB" exactly as 4,194,304 body bytes is undocumented,
 * and a message that fails at the edge costs a retry on the other path. 64 KiB is under 2% of the limit.
 */
export const REQUEST_SAFETY_MARGIN_BYTES = 64 * 1024;

export type UploadMethod = 'importMime' | 'json';

/** The size of a message's MIME bytes once base64-encoded without line breaks, as importMime sends it. */
export function base64Size(sizeBytes: number): number {
  return Math.ceil(sizeBytes / 3) * 4;
}

export function chooseUploadMethod(sizeBytes: number, api: 'beta' | 'v1.0'): UploadMethod {
  if (api === 'v1.0') return 'json';
  return base64Size(sizeBytes) <= GRAPH_MAX_REQUEST_BYTES - REQUEST_SAFETY_MARGIN_BYTES ? 'importMime' : 'json';
}
