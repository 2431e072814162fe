/**
 * Every request to Graph goes through here: through the mailbox's governor, with our token, over
 * httpsFetch, and through should-retry's verdict. Callers get a body or a ClassifiedError; they never see
 * a status code to interpret, and they never sleep.
 *
 * The Graph client library is not on this path. Its request builder and middleware chain (URL parsing and
 * rebuilding, option objects, the chain's context) were a third of the CPU a request cost here
 * (bench/estate/graph-http-ab.ts: 0.33-0.38 ms a request with it), for nothing this layer used: retrying,
 * redirects and the token are ours, since its retry handler resends POSTs (duplicate creates), and the
 * paths are built and encoded by odata.ts already.
 */
import { inspect } from 'node:util';
import { ClassifiedError, RetryableError } from '../../accounting/errors.js';
import type { DestinationEvents } from '../types.js';
import { DEFAULT_BACKOFF, backoffDelay, type BackoffPolicy, type RandomSource } from './backoff.js';
import type { CloudEndpoints } from './cloud.js';
import { MailboxGovernor, systemClock, type Clock, type GovernorLimits, type GovernorOptions } from './governor.js';
import { DEFAULT_MAX_ATTEMPTS, classifyResponse, networkErrorCode, type HttpMethod } from './should-retry.js';
import type { TokenSource } from './token-source.js';
import { httpsFetch, type AnswerHeaders, type BufferedAnswer } from './https-fetch.js';
import { canonicalCode } from './error-codes.js';

export interface GraphRequest {
  readonly method: HttpMethod;
  /** `/users/x/mailFolders` (under the Graph URL and version) or an absolute https nextLink / uploadUrl. */
  readonly path: string;
  /** Ignored for absolute URLs. Default: the GraphHttp's defaultVersion. */
  readonly version?: 'v1.0' | 'beta';
  readonly headers?: Readonly<Record<string, string>>;
  /** An object is sent as JSON; a string or Buffer as it is (set contentType). */
  readonly body?: unknown;
  /** Default: application/json for objects, text/plain for strings, application/octet-stream for bytes. */
  readonly contentType?: string;
  /**
   * A POST whose repetition would duplicate an item (message create, importMime, move, attachment). After
   * an ambiguous failure it is never resent: AmbiguousCreateError is thrown for the caller to look first.
   */
  readonly isCreate?: boolean;
  /** Bytes counted against the upload budget. Default: the body's length for POST, PUT and PATCH. */
  readonly uploadBytes?: number;
  /** False for pre-authenticated URLs (upload sessions): no Authorization header. Default true. */
  readonly authenticate?: boolean;
  /** Per attempt, from sending until the whole body has arrived. */
  readonly timeoutMs?: number;
  /**
   * Called as each attempt actually goes out (after waiting for a slot, a budget or a Retry-After): a
   * create's landing window counts from its last send, not from when it was queued.
   */
  readonly onSend?: () => void;
}

export interface GraphResponse<T> {
  readonly status: number;
  /** The absolute URL that answered: a relative link in the body (a nextLink) is resolved against it. */
  readonly url?: string;
  readonly headers: AnswerHeaders;
  /** Parsed JSON, text for text bodies, undefined for an empty body. */
  readonly body: T;
}

export interface GraphHttpOptions {
  readonly endpoints: Pick<CloudEndpoints, 'graphUrl'>;
  readonly tokens: TokenSource;
  readonly events?: DestinationEvents;
  /** Limits for each mailbox's governor; Outlook's by default. */
  readonly limits?: Partial<GovernorLimits>;
  /** Shrinks the governor's windows along with an emulator or benchmark that scales time. */
  readonly timeScale?: number;
  /** Finer pacing settings for each governor (reserve margin, latency allowance, bursts). */
  readonly pacing?: Pick<GovernorOptions, 'margin' | 'latencyAllowanceMs' | 'requestBurst' | 'byteBurst'>;
  readonly defaultVersion?: 'v1.0' | 'beta';
  /** Default per-attempt timeout. */
  readonly timeoutMs?: number;
  readonly maxAttempts?: number;
  readonly backoff?: BackoffPolicy;
  readonly random?: RandomSource;
  readonly clock?: Clock;
}

const DEFAULT_TIMEOUT_MS = 120_000;

export class GraphHttp {
  readonly #options: GraphHttpOptions;
  /** The Graph URL's host: the one host an absolute URL may name and still get our token. */
  readonly #graphHost: string;
  readonly #governors = new Map<string, MailboxGovernor>();
  readonly #clock: Clock;

  constructor(options: GraphHttpOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#graphHost = new URL(options.endpoints.graphUrl).host.toLowerCase();
  }

  /** The governor every request to this mailbox shares (created on first use). */
  governor(mailbox: string): MailboxGovernor {
    const key = mailbox.toLowerCase();
    let governor = this.#governors.get(key);
    if (!governor) {
      governor = new MailboxGovernor(mailbox, {
        ...this.#options.pacing,
        limits: this.#options.limits,
        timeScale: this.#options.timeScale,
        clock: this.#clock,
        events: this.#options.events,
      });
      this.#governors.set(key, governor);
    }
    return governor;
  }

  async request<T = unknown>(mailbox: string, request: GraphRequest): Promise<GraphResponse<T>> {
    const events = this.#options.events;
    if (/^[a-z][a-z0-9+.-]*:/i.test(request.path) && !isAbsolute(request.path)) {
      // The client would take any other scheme for a relative path; Graph URLs are https only.
      throw new Error(`GraphHttp: absolute URLs must be https (${displayPath(request.path)})`);
    }
    const governor = this.governor(mailbox);
    const body = encodeBody(request);
    const uploadBytes =
      request.uploadBytes ?? (request.method === 'POST' || request.method === 'PUT' || request.method === 'PATCH' ? (body?.bytes ?? 0) : 0);
    const path = displayPath(request.path);
    const maxAttempts = this.#options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    let tokenRefreshed = false;
    let forceRefresh = false;
    const url = this.#urlOf(request);

    for (let attempt = 1; ; attempt++) {
      const refresh = forceRefresh;
      forceRefresh = false;
      const limitAtSend = governor.concurrency;
      const outcome = await governor.run(uploadBytes, () => {
        request.onSend?.();
        return this.#send(url, request, body, refresh);
      });

      if (outcome.kind === 'auth-failed') {
        // The token source has classified its own failure; only a transient one is worth another go.
        const error = outcome.error;
        if (error instanceof RetryableError && attempt < maxAttempts) {
          events?.onRetry?.(mailbox, error.code ?? 'token');
          await this.#clock.sleep(backoffDelay(attempt, this.#options.backoff ?? DEFAULT_BACKOFF, this.#options.random));
          continue;
        }
        throw error;
      }

      events?.onRequest?.(mailbox, outcome.kind === 'response' ? outcome.status : 0);
      const graphError = outcome.kind === 'response' ? errorOf(outcome.body) : undefined;
      if (outcome.kind === 'response' && outcome.status === 429 && /MailboxConcurrency/i.test(graphError?.message ?? '')) {
        // Some mailboxes throttle at the documented limit itself (field report): step down and stay there.
        governor.lowerConcurrency(limitAtSend);
      } else if (outcome.kind === 'response' && outcome.status !== 429) {
        governor.noteAnswered();
      }
      const verdict = classifyResponse(
        {
          status: outcome.kind === 'response' ? outcome.status : undefined,
          code: graphError?.code,
          message: graphError?.message,
          retryAfterHeader: outcome.kind === 'response' ? outcome.headers.get('retry-after') : undefined,
          networkCode: outcome.kind === 'network' ? networkErrorCode(outcome.error) : undefined,
          method: request.method,
          path,
          mailbox,
          isCreate: request.isCreate === true,
          tokenRefreshed,
          authMethod: this.#options.tokens.method,
          tokenEnvName: this.#options.tokens.tokenEnvName,
        },
        attempt,
        {
          maxAttempts,
          backoff: this.#options.backoff,
          random: this.#options.random,
          // The wall clock: an HTTP-date Retry-After is a wall-clock time.
          nowMs: Date.now(),
        },
      );

      switch (verdict.kind) {
        case 'ok':
          if (outcome.kind !== 'response') throw new Error('unreachable: ok without a response');
          return { status: outcome.status, url, headers: outcome.headers, body: outcome.body as T };
        case 'refresh-token':
          tokenRefreshed = true;
          forceRefresh = true;
          events?.onRetry?.(mailbox, 'token-refresh');
          continue;
        case 'retry':
          events?.onRetry?.(mailbox, verdict.error.code ?? verdict.error.errorClass);
          if (verdict.pauseMailbox) {
            // The governor makes this and every other request to the mailbox wait out the pause.
            governor.pause(verdict.delayMs);
          } else {
            await this.#clock.sleep(verdict.delayMs);
          }
          continue;
        case 'fail': {
          if (verdict.pauseMailboxMs !== undefined) governor.pause(verdict.pauseMailboxMs);
          const requestId = outcome.kind === 'response' ? outcome.headers.get('request-id') : null;
          if (requestId !== null) verdict.error.requestId = requestId;
          throw verdict.error;
        }
      }
    }
  }

  /**
   * The request's URL: a path under the Graph URL and version, or an absolute https URL (a nextLink, an
   * upload URL). Our token goes only to the Graph URL's host: an absolute URL elsewhere that asks for it
   * is a programming error, not something to send.
   */
  #urlOf(request: GraphRequest): string {
    if (!isAbsolute(request.path)) {
      const path = request.path.startsWith('/') ? request.path : `/${request.path}`;
      return `${this.#options.endpoints.graphUrl}/${request.version ?? this.#options.defaultVersion ?? 'v1.0'}${path}`;
    }
    if (request.authenticate !== false && new URL(request.path).host.toLowerCase() !== this.#graphHost) {
      throw new Error(`GraphHttp: will not send the token to ${displayPath(request.path)}, which is not the Graph URL's host`);
    }
    return request.path;
  }

  async #send(url: string, request: GraphRequest, body: EncodedBody | undefined, forceRefresh: boolean): Promise<Outcome> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
    if (body !== undefined) headers['content-type'] = body.contentType;
    if (request.authenticate !== false) {
      try {
        headers['authorization'] = `Bearer ${await this.#options.tokens.getToken({ forceRefresh })}`;
      } catch (error) {
        return { kind: 'auth-failed', error: asClassified(error) };
      }
    }
    const ms = request.timeoutMs ?? this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const timeout = { ms, error: () => Object.assign(new Error(`no complete answer within ${ms} ms`), { name: 'TimeoutError', code: 'ETIMEDOUT' }) };
    let response: BufferedAnswer;
    try {
      // A POST without a body still says so (Content-Length: 0), rather than going out chunked.
      const payload = body?.payload ?? (request.method === 'GET' || request.method === 'DELETE' ? undefined : '');
      response = await httpsFetch(url, { method: request.method, headers, ...(payload === undefined ? {} : { body: payload }), timeout });
    } catch (error) {
      return { kind: 'network', error };
    }
    return { kind: 'response', status: response.status, headers: response.headers, body: decodeBody(await response.text(), response.headers) };
  }

  toString(): string {
    return `GraphHttp(${this.#options.endpoints.graphUrl})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

type Outcome =
  | { readonly kind: 'response'; readonly status: number; readonly headers: AnswerHeaders; readonly body: unknown }
  | { readonly kind: 'network'; readonly error: unknown }
  | { readonly kind: 'auth-failed'; readonly error: ClassifiedError };

interface EncodedBody {
  readonly payload: string | Buffer;
  readonly contentType: string;
  readonly bytes: number;
}

function encodeBody(request: GraphRequest): EncodedBody | undefined {
  const body = request.body;
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') {
    return { payload: body, contentType: request.contentType ?? 'text/plain', bytes: Buffer.byteLength(body) };
  }
  if (body instanceof Uint8Array) {
    // The client's own conversion of typed arrays sends the whole underlying ArrayBuffer; a view is exact.
    const payload = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    return { payload, contentType: request.contentType ?? 'application/octet-stream', bytes: payload.byteLength };
  }
  const json = JSON.stringify(body);
  return { payload: json, contentType: request.contentType ?? 'application/json', bytes: Buffer.byteLength(json) };
}

function decodeBody(text: string, headers: AnswerHeaders): unknown {
  if (text === '') return undefined;
  if (/\bjson\b/i.test(headers.get('content-type') ?? '')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

function errorOf(body: unknown): { code?: string; message?: string } | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return {
    code: typeof code === 'string' ? canonicalCode(code) : undefined,
    message: typeof message === 'string' ? message : undefined,
  };
}

function asClassified(error: unknown): ClassifiedError {
  if (error instanceof ClassifiedError) return error;
  return new RetryableError(`token acquisition failed: ${error instanceof Error ? error.message : String(error)}`, 'token');
}

function isAbsolute(path: string): boolean {
  return /^https:\/\//i.test(path);
}

/** The path for messages: absolute URLs lose their query, which for upload URLs carries a token. */
function displayPath(path: string): string {
  if (isAbsolute(path)) {
    const url = new URL(path);
    return `${url.origin}${url.pathname}`;
  }
  const withSlash = path.startsWith('/') ? path : `/${path}`;
  return withSlash.split('?')[0] ?? withSlash;
}
