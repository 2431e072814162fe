/**
 * fetch() for Graph over node:https with a keep-alive agent. Node's built-in fetch (undici) turns every
 * body into web streams and back; at estate scale that was the largest single cost per message in the
 * importer's CPU profile (bench:estate: about 29% of busy time at 8 mailboxes). This does what the Graph
 * client needs of fetch and nothing else: one request, the whole answer buffered (answers are small;
 * bodies are bounded by Graph's 4 MB), gzip/deflate/br decoded, the AbortSignal honoured until the body
 * is complete. Errors carry the socket's code (ECONNRESET, …) as `cause`, as fetch's do.
 */
import { Agent, request as httpsRequest } from 'node:https';
import { request as httpRequest, Agent as HttpAgent, type IncomingMessage } from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

// One pool for the process: requests to one host reuse warm TLS connections instead of handshaking.
const httpsAgent = new Agent({ keepAlive: true, scheduling: 'lifo' });
const httpAgent = new HttpAgent({ keepAlive: true, scheduling: 'lifo' });

const NULL_BODY_STATUS = new Set([101, 204, 205, 304]);

/** What GraphHttp and the Graph client read of an answer; all of it is in memory by then. */
export type BufferedAnswer = Pick<Response, 'status' | 'statusText' | 'ok' | 'headers' | 'text' | 'json' | 'arrayBuffer'>;

/**
 * An answer whose body is already a Buffer. A web Response would wrap it in a ReadableStream only for
 * text() to read it back out: that pair cost about 0.1-0.2 ms of CPU per request (bench/estate/fetch-ab.ts),
 * more than the rest of the answer's handling.
 */
class BufferedResponse implements BufferedAnswer {
  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly headers: Headers,
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

function responseHeaders(message: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(message.headers)) {
    if (value === undefined || name === 'content-encoding' || name === 'content-length') continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  return headers;
}

function transportError(cause: unknown): Error {
  return new TypeError('fetch failed', { cause });
}

export function httpsFetch(input: string | URL | Request, init: RequestInit = {}): Promise<BufferedAnswer> {
  const url = new URL(input instanceof Request ? input.url : String(input));
  const method = (init.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((value, name) => (headers[name] = value));
  const body = bodyBytes(init.body);
  if (body !== undefined) headers['content-length'] = String(body.length);
  headers['accept-encoding'] ??= 'gzip, deflate, br';
  const signal = init.signal ?? undefined;
  return new Promise<BufferedAnswer>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
    const request = send(url, { method, headers, agent: url.protocol === 'http:' ? httpAgent : httpsAgent });
    let settled = false;
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
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
          const bytes = decode(Buffer.concat(chunks), message.headers['content-encoding'] as string | undefined);
          const response = new BufferedResponse(status, message.statusMessage ?? '', responseHeaders(message), NULL_BODY_STATUS.has(status) ? Buffer.alloc(0) : bytes);
          settled = true;
          signal?.removeEventListener('abort', onAbort);
          resolve(response);
        } catch (error) {
          fail(transportError(error));
        }
      });
    });
    request.end(body);
  });
}
