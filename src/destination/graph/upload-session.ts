/**
 * One large attachment through an Outlook upload session: ranges PUT in order to the pre-authenticated
 * URL (no Authorization header), resuming from the server's nextExpectedRanges after a failed range.
 */
import { NoRetryError } from '../../accounting/errors.js';
import { errorStatus } from './graph-error.js';
import type { GraphRequester } from './graph-requester.js';

interface SessionStatus {
  readonly nextExpectedRanges?: readonly string[];
  readonly NextExpectedRanges?: readonly string[];
}

export interface UploadSessionOptions {
  /** Bytes per PUT; keep under 4 MiB. */
  readonly chunkBytes: number;
  /** Failed PUTs of one range before giving up (each after the HTTP layer's own retries). */
  readonly attemptsPerRange: number;
}

/** The first missing byte the server reports (`"2097152-"` or `"2097152"`), or null when it lists none. */
export function nextOffset(status: SessionStatus | undefined): number | null {
  const ranges = status?.nextExpectedRanges ?? status?.NextExpectedRanges;
  const first = ranges?.[0];
  if (first === undefined) return null;
  const start = Number.parseInt(first.split('-')[0] ?? '', 10);
  return Number.isFinite(start) ? start : null;
}

/** `bytes start-end/total`, end inclusive. */
export function contentRange(start: number, endExclusive: number, total: number): string {
  return `bytes ${start}-${endExclusive - 1}/${total}`;
}

export async function uploadBySession(
  http: GraphRequester,
  mailbox: string,
  uploadUrl: string,
  content: Buffer,
  options: UploadSessionOptions,
): Promise<void> {
  const total = content.length;
  let offset = 0;
  let failures = 0;
  for (;;) {
    const end = Math.min(offset + options.chunkBytes, total);
    let response;
    try {
      response = await http.request<SessionStatus>(mailbox, {
        method: 'PUT',
        path: uploadUrl,
        authenticate: false,
        contentType: 'application/octet-stream',
        headers: { 'Content-Range': contentRange(offset, end, total) },
        body: content.subarray(offset, end),
        uploadBytes: end - offset,
      });
    } catch (error) {
      failures += 1;
      if (failures >= options.attemptsPerRange) throw error;
      if (errorStatus(error) === 416 && failures > 1) {
        // Refused after an earlier failure of the same range: that earlier PUT did land, move on.
        offset = end;
        continue;
      }
      // The range may have landed before the failure: ask where the server stands before resending.
      offset = (await sessionOffset(http, mailbox, uploadUrl)) ?? offset;
      continue;
    }
    failures = 0;
    if (response.status === 201) return;
    const next = nextOffset(response.body) ?? end;
    if (next >= total) {
      throw new NoRetryError(`upload session accepted all ${total} bytes but did not complete the attachment`);
    }
    offset = next;
  }
}

async function sessionOffset(http: GraphRequester, mailbox: string, uploadUrl: string): Promise<number | null> {
  try {
    const response = await http.request<SessionStatus>(mailbox, { method: 'GET', path: uploadUrl, authenticate: false });
    return nextOffset(response.body);
  } catch {
    return null;
  }
}
