import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import { gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { runEntraRequest } from './entra/routes.js';
import { graphErrorReply, GraphHttpError } from './graph/errors.js';
import { runGraphRequest, unverifiedAppId } from './graph/pipeline.js';
import { runUploadRequest } from './graph/upload-route.js';
import type { Reply } from './http/reply.js';
import { writeReply } from './http/write-reply.js';
import { runInspectRequest } from './inspect-routes.js';
import type { Inspector } from './inspect.js';
import type { EmulatorState } from './state.js';

export interface ServerDeps {
  state: () => EmulatorState;
  inspector: Inspector;
  configure: (patch: Record<string, unknown>) => void;
  latencyRandom: () => number;
}

/** Routes by prefix: /_emulator (inspection), /_upload (upload host), /v1.0 and /beta (Graph), else Entra. */
export function createRequestHandler(deps: ServerDeps) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const state = deps.state();
    const headerId = request.headers['client-request-id'];
    const ids = { requestId: randomUUID(), clientRequestId: typeof headerId === 'string' ? headerId : randomUUID() };
    const path = new URL(request.url ?? '/', state.url).pathname;
    const method = (request.method ?? 'GET').toUpperCase();
    let reply: Reply;
    try {
      if (path.startsWith('/_emulator/')) {
        writeReply(response, await runInspectRequest(deps.inspector, deps.configure, request, state.url), ids);
        return;
      }
      if (path.startsWith('/_upload/')) {
        reply = await runUploadRequest(state, request, response);
        if (reply.status === 201 && state.options.quirks.loseFinalUploadAnswer === true) {
          state.log.record({ method, path, status: 0, requestId: ids.requestId });
          request.socket.destroy();
          return;
        }
      } else if (/^\/(v1\.0|beta)(\/|$)/.test(path)) {
        const outcome = await runGraphRequest(state, request, response, ids, deps.latencyRandom);
        if (outcome.kind === 'reset') {
          // Status 0 in the log: the client never got an answer.
          state.log.record({ method, path, status: 0, requestId: ids.requestId, appId: unverifiedAppId(request.headers.authorization) });
          request.socket.destroy();
          return;
        }
        reply = outcome.reply;
      } else {
        reply = await runEntraRequest(state, request);
      }
    } catch (error) {
      if (request.readableAborted) {
        // The client went away before its request was whole (a process killed mid-upload): nothing was
        // made and nobody is left to answer, as with Graph. Status 0 in the log, as for a reset.
        state.log.record({ method, path, status: 0, requestId: ids.requestId });
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      // An emulator bug, not a simulated fault: say so loudly, so a test that trips over it is not blamed.
      process.stderr.write(`emulator failure on ${method} ${path}: ${error instanceof Error ? (error.stack ?? message) : message}\n`);
      reply = graphErrorReply(new GraphHttpError(500, 'InternalServerError', `Emulator failure: ${message}`), ids);
    }
    const appId = /^\/(v1\.0|beta)(\/|$)/.test(path) ? { appId: unverifiedAppId(request.headers.authorization) } : {};
    state.log.record({ method, path, status: reply.status, requestId: ids.requestId, ...appId });
    writeReply(response, withWireQuirks(state, request, path, reply), ids);
  };
}

/** The tenant's wire quirks (options.ts): error codes' letter case, gzip answers. Graph and upload routes only. */
function withWireQuirks(state: EmulatorState, request: IncomingMessage, path: string, reply: Reply): Reply {
  if (!/^\/(v1\.0|beta|_upload)(\/|$)/.test(path)) return reply;
  const quirks = state.options.quirks;
  let body = reply.body;
  const error = (body as { error?: { code?: unknown } } | undefined)?.error;
  if (quirks.lowerCaseErrorCodes === true && typeof error?.code === 'string') {
    const code = error.code;
    body = { ...(body as object), error: { ...error, code: code.charAt(0).toLowerCase() + code.slice(1) } };
  }
  const gzip = quirks.gzipAnswers;
  if ((gzip === true || gzip === 'label-empty') && /\bgzip\b/i.test(String(request.headers['accept-encoding'] ?? ''))) {
    const headers = { ...reply.headers, 'Content-Encoding': 'gzip' };
    if (body === undefined) return gzip === 'label-empty' ? { ...reply, headers } : { ...reply, body };
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
    return { ...reply, body: gzipSync(bytes), headers };
  }
  return { ...reply, body };
}

export interface Listening {
  port: number;
  close: () => Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/**
 * Node's HTTP server pauses a connection's parser when a request arrives while the previous answer on it is
 * still above the socket's write high-water mark (16 KB: a page of messages is more), and over TLS the
 * request body that is already on its way then breaks the parser (HPE_PAUSED) and the connection is
 * dropped without an answer. On a busy machine that hit a few percent of importMime uploads (bench:estate:
 * 53 of 500 at 8 mailboxes, each an unanswered create the importer must wait out); Exchange does no such
 * thing. A high-water mark above any answer this emulator writes keeps the parser running. The https
 * server's highWaterMark option does not reach its TLS sockets, hence the socket's own state.
 */
function withRoomyWrites(server: Server): Server {
  server.on('secureConnection', (socket) => {
    (socket as unknown as { _writableState: { highWaterMark: number } })._writableState.highWaterMark = 64 * 1024 * 1024;
  });
  return server;
}

/**
 * Listens on 127.0.0.1, and best-effort on ::1 at the same port, because the upload host is "localhost" and
 * some machines resolve that to ::1 first.
 */
export async function listenHttps(
  tls: { key: string; cert: string },
  port: number,
  handler: ReturnType<typeof createRequestHandler>,
): Promise<Listening> {
  const onRequest = (request: IncomingMessage, response: ServerResponse) => void handler(request, response);
  const ipv4 = withRoomyWrites(createServer({ ...tls, keepAliveTimeout: 5000 }, onRequest));
  const bound = await listen(ipv4, port, '127.0.0.1');
  const servers = [ipv4];
  const ipv6 = withRoomyWrites(createServer({ ...tls, keepAliveTimeout: 5000 }, onRequest));
  try {
    await listen(ipv6, bound, '::1');
    servers.push(ipv6);
  } catch {
    // No IPv6 loopback here; localhost resolves to 127.0.0.1 then.
  }
  return { port: bound, close: async () => void (await Promise.all(servers.map(closeServer))) };
}
