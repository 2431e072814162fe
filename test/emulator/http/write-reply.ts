import type { ServerResponse } from 'node:http';
import type { Reply } from './reply.js';
import { answering } from './answer-hook.js';

export interface ReplyIds {
  requestId: string;
  clientRequestId: string;
}

/** Writes a reply with Graph's request-id and client-request-id headers; safe if the socket is gone. */
export function writeReply(response: ServerResponse, reply: Reply, ids: ReplyIds): void {
  if (response.destroyed || response.headersSent) return;
  let payload: Buffer | undefined;
  if (Buffer.isBuffer(reply.body)) payload = reply.body;
  else if (typeof reply.body === 'string') payload = Buffer.from(reply.body, 'utf8');
  else if (reply.body !== undefined) payload = Buffer.from(JSON.stringify(reply.body), 'utf8');
  const headers: Record<string, string | number> = {
    'request-id': ids.requestId,
    'client-request-id': ids.clientRequestId,
    'Cache-Control': 'private',
    ...reply.headers,
  };
  if (payload !== undefined) {
    headers['Content-Type'] = reply.contentType ?? 'application/json';
    headers['Content-Length'] = payload.length;
  } else {
    headers['Content-Length'] = 0;
  }
  answering(response);
  response.writeHead(reply.status, headers);
  response.end(payload);
}
