import type { IncomingMessage } from 'node:http';
import { readBody } from './http/read-body.js';
import { jsonReply, type Reply } from './http/reply.js';
import type { Inspector } from './inspect.js';

/**
 * GET /_emulator/… serves the inspection API to other processes (`npm run emulator` users). It needs no
 * token: it is a test back door, kept under its own prefix so it can never be mistaken for Graph.
 */
export async function runInspectRequest(
  inspector: Inspector,
  configure: (patch: Record<string, unknown>) => void,
  request: IncomingMessage,
  baseUrl: string,
): Promise<Reply> {
  const url = new URL(request.url ?? '/', baseUrl);
  const segments = url.pathname.split('/').filter((segment) => segment.length > 0).map(decodeURIComponent).slice(1);
  const [first, upn, what] = segments;
  try {
    if (request.method === 'POST' && first === 'configure') {
      const { body } = await readBody(request, 64 * 1024);
      configure(JSON.parse(body.toString('utf8')) as Record<string, unknown>);
      return jsonReply(200, { ok: true });
    }
    if (request.method !== 'GET') return jsonReply(405, { error: 'GET only' });
    if (first === 'mailboxes' && upn === undefined) return jsonReply(200, inspector.mailboxes());
    if (first === 'mailboxes' && upn !== undefined && what === 'folders') return jsonReply(200, inspector.folders(upn));
    if (first === 'mailboxes' && upn !== undefined && what === 'max-concurrency') {
      return jsonReply(200, { maxConcurrency: inspector.maxConcurrency(upn) });
    }
    if (first === 'mailboxes' && upn !== undefined && what === 'messages') {
      const folderPath = url.searchParams.get('folderPath') ?? undefined;
      const messages = inspector.messages(upn, folderPath).map(({ mime, ...rest }) => ({
        ...rest,
        ...(mime ? { mimeBase64: mime.toString('base64') } : {}),
      }));
      return jsonReply(200, messages);
    }
    if (first === 'request-counts') return jsonReply(200, inspector.requestCounts());
    if (first === 'requests') return jsonReply(200, inspector.requests());
    if (first === 'faults') return jsonReply(200, inspector.faultsInjected());
    return jsonReply(404, { error: 'unknown inspection path' });
  } catch (error) {
    return jsonReply(400, { error: error instanceof Error ? error.message : String(error) });
  }
}
