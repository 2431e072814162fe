/**
 * fetch() for Graph over node:https with a keep-alive agent. Node's built-in fetch (undici) turns every
 * body into web streams and back; at estate scale that was the largest single cost per message in the
 * importer's CPU profile (bench:estate: about 29% of busy time at 8 mailboxes). This does what the Graph
 * client needs of fetch and nothing else: one request, the whole answer buffered (answers are small;
 * bodies are bounded by Graph's 4 MB), gzip/deflate/br decoded, the AbortSignal honoured until the body
 * is complete. Errors carry the socket's code (ECONNRESET, …) as `cause`, as fetch's do.
 */
import { Agent, request as httpsRequest } from 'node:https';
import { request as httpRequest, Agent as HttpAgent, type ClientRequest, type IncomingMessage } from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

/**
 * How long a connection may stay idle in the pool. Besides its own use, setting it is what makes Node's
 * agent honour a server's `Keep-Alive: timeout=N` (it then drops the connection a second before the
 * server would): without it Node 20 ignores the hint, and a connection the server closes as idle was
 * taken for the next request at that moment, which then failed with ECONNRESET: for a create, an
 * unanswered create, re-checked only after the landing window. (The creates bench:estate still saw reset
 * came from the emulator's own server, see withRoomyWrites in test/emulator/server.ts.)
 */
export const IDLE_CONNECTION_MS = 30_000;

// One pool for the process: requests to one host reuse warm TLS connections instead of handshaking.
const httpsAgent = new Agent({ keepAlive: true, scheduling: 'lifo', timeout: IDLE_CONNECTION_MS });
const httpAgent = new HttpAgent({ keepAlive: true, scheduling: 'lifo', timeout: IDLE_CONNECTION_MS });

const NULL_BODY_STATUS = new Set([101, 204, 205, 304]);

/** What is read of an answer's headers: one by name (Retry-After, request-id, Content-Type). */
export interface AnswerHeaders {
  get(name: string): string | null;
}

/** What GraphHttp and the Graph client read of an answer; all of it is in memory by then. */
export type BufferedAnswer = Pick<Response, 'status' | 'statusText' | 'ok' | 'text' | 'json' | 'arrayBuffer'> & { readonly headers: AnswerHeaders };

/**
 * The answer's headers as node:http parsed them (names in lower case, repeats joined), read in place:
 * copying them into a web Headers object cost more than the few lookups made of them.
 */
class IncomingHeaders implements AnswerHeaders {
  constructor(private readonly raw: IncomingMessage['headers']) {}

  get(name: string): string | null {
    const key = name.toLowerCase();
    // The body was decoded here: its encoding and length no longer describe it.
    if (key === 'content-encoding' || key === 'content-length') return null;
    const value = this.raw[key];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }
}

/** Request headers as a plain object with lower-case names, from whatever form fetch accepts. */
export function plainHeaders(init: RequestInit['headers']): Record<string, string> {
  const headers: Record<string, string> = {};
  if (init === undefined) return headers;
  if (init instanceof Headers || Array.isArray(init)) {
    new Headers(init).forEach((value, name) => (headers[name] = value));
    return headers;
  }
  for (const [name, value] of Object.entries(init) as Array<[string, string | readonly string[]]>) headers[name.toLowerCase()] = typeof value === 'string' ? value : value.join(', ');
  return headers;
}

/**
 * An answer whose body is already a Buffer. A web Response would wrap it in a ReadableStream only for
 * text() to read it back out: that pair cost about 0.1-0.2 ms of CPU per request (bench/estate/fetch-ab.ts),
 * more than the rest of the answer's handling.
 */
class BufferedResponse implements BufferedAnswer {
  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly headers: AnswerHeaders,
    private readonly bytes: Buffer,
  ) {}

  get ok(): boolean {
    return this.status >= 200 && this.status <= 299;
  }

  text(): Promise<string> {
    return Promise.resolve(this.bytes.toString('utf8'));
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    return Promise.resolve(this.bytes.buffer.slice(this.bytes.byteOffset, this.bytes.byteOffset + this.bytes.byteLength) as ArrayBuffer);
  }
}

function bodyBytes(body: unknown): Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new TypeError(`httpsFetch: unsupported body type ${Object.prototype.toString.call(body)}`);
}

function decode(bytes: Buffer, encoding: string | undefined): Buffer {
  switch ((encoding ?? '').trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(bytes);
    case 'deflate':
      return inflateSync(bytes);
    case 'br':
      return brotliDecompressSync(bytes);
    default:
      return bytes;
  }
}

function transportError(cause: unknown): Error {
  return new TypeError('fetch failed', { cause });
}

/**
 * fetch's init, and `timeout`: the error the request fails with when no complete answer came within
 * `ms` of sending. A timer of its own rather than an AbortSignal: an AbortController, its signal and the
 * listener on it cost every request more than the rest of its set-up here.
 */
export type HttpsFetchInit = RequestInit & { readonly timeout?: { readonly ms: number; readonly error: () => Error } };

export function httpsFetch(input: string | URL | Request, init: HttpsFetchInit = {}): Promise<BufferedAnswer> {
  const url = new URL(input instanceof Request ? input.url : String(input));
  const method = (init.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
  const headers = plainHeaders(init.headers);
  const body = bodyBytes(init.body);
  if (body !== undefined) headers['content-length'] = String(body.length);
  headers['accept-encoding'] ??= 'gzip, deflate, br';
  const signal = init.signal ?? undefined;
  return new Promise<BufferedAnswer>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
    const request = send(url, { method, headers, agent: url.protocol === 'http:' ? httpAgent : httpsAgent });
    let settled = false;
    const timer = init.timeout === undefined ? undefined : setTimeout(() => {
      request.destroy();
      fail(init.timeout?.error());
    }, init.timeout.ms);
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      reject(error);
    };
    const onAbort = (): void => {
      request.destroy();
      fail(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    request.on('error', (error) => fail(transportError(error)));
    request.on('response', (message) => {
      const chunks: Buffer[] = [];
      message.on('data', (chunk: Buffer) => chunks.push(chunk));
      message.on('error', (error) => fail(transportError(error)));
      message.on('aborted', () => fail(transportError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))));
      message.on('end', () => {
        if (settled) return;
        try {
          const status = message.statusCode ?? 0;
          // No content, no coding to undo: a 204 may name the representation's Content-Encoding (RFC 9110
          // 15.3.5), and gunzip of nothing throws, which failed a DELETE that had succeeded.
          const raw = NULL_BODY_STATUS.has(status) ? Buffer.alloc(0) : Buffer.concat(chunks);
          const bytes = raw.length === 0 ? raw : decode(raw, message.headers['content-encoding'] as string | undefined);
          const response = new BufferedResponse(status, message.statusMessage ?? '', new IncomingHeaders(message.headers), bytes);
          settled = true;
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve(response);
        } catch (error) {
          fail(transportError(error));
        }
      });
    });
    writeBody(request, body);
  });
}

/** The slice of a request body handed to the socket at a time. */
const BODY_SLICE_BYTES = 64 * 1024;

/**
 * Writes a body a slice at a time, the next once the socket has taken the last. Written whole, a TLS
 * socket encrypts all of it at once into memory of its own (node's NodeBIO) and holds it there until the
 * network takes it: a 4 MB upload held 4 MB more outside the JS heap for as long as it was being sent,
 * and at 32 mailboxes these were the largest share of the importer's memory (heaptrack, bench:estate:
 * 125 MB at its peak, of about 415 MB).
 */
function writeBody(request: ClientRequest, body: Buffer | undefined): void {
  if (body === undefined || body.length <= BODY_SLICE_BYTES) {
    request.end(body);
    return;
  }
  let at = 0;
  const next = (): void => {
    while (at < body.length) {
      const slice = body.subarray(at, at + BODY_SLICE_BYTES);
      at += slice.length;
      if (!request.write(slice)) {
        request.once('drain', next);
        return;
      }
    }
    request.end();
  };
  next();
}
