import type { IncomingMessage } from 'node:http';
import type { ServerResponse } from 'node:http';
import { releaseWhenAnswered } from '../http/answer-hook.js';
import { readBody } from '../http/read-body.js';
import { jsonReply, type Reply } from '../http/reply.js';
import type { EmulatorState } from '../state.js';
import { MAX_REQUEST_BYTES } from './pipeline.js';
import { uploadChunk } from './upload-sessions.js';

function uploadError(status: number, code: string, message: string, headers?: Record<string, string>): Reply {
  return jsonReply(status, { error: { code, message } }, headers);
}

/** PUT /_upload/sessions/{id}?authtoken=…: the Outlook upload host, under the same mailbox limits as Graph. */
export async function runUploadRequest(state: EmulatorState, request: IncomingMessage, response: ServerResponse): Promise<Reply> {
  const url = new URL(request.url ?? '/', state.url);
  const sessionId = url.pathname.split('/')[3] ?? '';
  const session = state.uploads.authorised(sessionId, url.searchParams.get('authtoken'));
  const arrival = session ? state.limits.arrive(session.appId, session.upn) : undefined;
  if (arrival) releaseWhenAnswered(response, arrival.release);
  const { body, tooLarge, length } = await readBody(request, MAX_REQUEST_BYTES);

  if (request.headers.authorization !== undefined) {
    return uploadError(401, 'InvalidAudience', 'The upload URL is pre-authenticated; do not send an Authorization header.');
  }
  if (!session || !arrival) return uploadError(401, 'InvalidAuthenticationToken', 'The upload session token is missing or invalid.');
  if (request.method !== 'PUT') return uploadError(405, 'MethodNotAllowed', 'Upload sessions accept PUT only.');
  if (tooLarge) return uploadError(413, 'RequestEntityTooLarge', 'The maximum request length supported is 4MB.');
  const verdict = state.limits.admit(session.appId, session.upn, arrival.observed);
  if (!verdict.ok) return uploadError(429, 'ApplicationThrottled', `Application is over its ${verdict.limit} limit.`, { 'Retry-After': String(verdict.retryAfterSeconds) });
  const bytes = state.limits.admitBytes(session.appId, session.upn, length);
  if (!bytes.ok) return uploadError(429, 'ApplicationThrottled', `Application is over its ${bytes.limit} limit.`, { 'Retry-After': String(bytes.retryAfterSeconds) });
  return uploadChunk({ state, session, contentRange: request.headers['content-range'], body });
}
