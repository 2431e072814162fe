/**
 * The one place that reads a Graph response's status and error code and decides what it means. Pure:
 * plain facts in, a verdict out; the caller (GraphHttp) does the waiting and resending.
 */
import {
  AmbiguousCreateError,
  FatalError,
  NoRetryError,
  RetryAfterError,
  RetryableError,
  type ClassifiedError,
} from '../../accounting/errors.js';
import { diagnoseGraphError, type AuthMethod } from './auth-diagnostics.js';
import { DEFAULT_BACKOFF, backoffDelay, type BackoffPolicy, type RandomSource } from './backoff.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ResponseFacts {
  /** The HTTP status; undefined when no response arrived (reset, timeout, DNS failure). */
  readonly status?: number;
  /** Graph's `error.code`. */
  readonly code?: string;
  /** Graph's `error.message`. */
  readonly message?: string;
  readonly retryAfterHeader?: string | null;
  /** When no response arrived: the network code from `networkErrorCode`. */
  readonly networkCode?: string;
  readonly method: HttpMethod;
  /** The request path with any query string removed; used for messages and permission names. */
  readonly path: string;
  readonly mailbox?: string;
  /** A POST whose repetition would duplicate an item: never resent after an ambiguous failure. */
  readonly isCreate: boolean;
  /** True once this request has already been retried with a freshly acquired token. */
  readonly tokenRefreshed: boolean;
  readonly authMethod?: AuthMethod;
  readonly tokenEnvName?: string;
}

export interface ClassifyOptions {
  /** Attempts allowed in total, the first included; the last failure is returned as it is. */
  readonly maxAttempts?: number;
  readonly backoff?: BackoffPolicy;
  readonly random?: RandomSource;
  /** Reference time for HTTP-date Retry-After values. */
  readonly nowMs?: number;
}

export type Verdict =
  | { readonly kind: 'ok' }
  /** Send again after `delayMs`; with `pauseMailbox`, every request to the mailbox waits that long. */
  | {
      readonly kind: 'retry';
      readonly error: RetryableError | RetryAfterError;
      readonly delayMs: number;
      readonly pauseMailbox: boolean;
    }
  /** Send again once, with a token acquired afresh. */
  | { readonly kind: 'refresh-token' }
  /** Give up; `pauseMailboxMs` still asks the mailbox's other requests to hold off. */
  | { readonly kind: 'fail'; readonly error: ClassifiedError; readonly pauseMailboxMs?: number };

export const DEFAULT_MAX_ATTEMPTS = 8;

/** Transient server statuses; everything else in 5xx (501, 505, 507…) will not get better by itself. */
const TRANSIENT_5XX = new Set([500, 502, 503, 504]);
/** The connection was never made, so the server cannot have acted: safe to resend even a create. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH']);
/** 404 codes that mean the mailbox itself is unreachable, not just one item. */
const MAILBOX_404 = new Set(['ErrorInvalidUser', 'MailboxNotEnabledForRESTAPI']);

export function classifyResponse(facts: ResponseFacts, attempt: number, options: ClassifyOptions = {}): Verdict {
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const status = facts.status;
  if (status !== undefined && status < 400) return { kind: 'ok' };

  const code = facts.code ?? (status === undefined ? facts.networkCode : undefined);
  const what = describe(facts);
  const canRetry = attempt < maxAttempts;
  const backoff = () => backoffDelay(attempt, options.backoff ?? DEFAULT_BACKOFF, options.random);

  if (status === undefined) {
    const networkCode = facts.networkCode ?? 'ENETWORK';
    if (facts.isCreate && !NOT_SENT.has(networkCode)) {
      return fail(new AmbiguousCreateError(`${what} failed without an answer (${networkCode}); it may have been created`, networkCode));
    }
    const error = new RetryableError(`${what} failed without an answer (${networkCode})`, networkCode);
    return canRetry ? { kind: 'retry', error, delayMs: backoff(), pauseMailbox: false } : fail(error);
  }

  const retryAfterMs = parseRetryAfter(facts.retryAfterHeader, options.nowMs ?? Date.now());

  if (status === 429) {
    // Throttled requests are rejected before Exchange acts on them, so even a create is safe to resend.
    const delayMs = retryAfterMs ?? backoff();
    const error = new RetryAfterError(`${what} was throttled (429 ${code ?? ''})`.trimEnd(), delayMs, code, status);
    return canRetry ? { kind: 'retry', error, delayMs, pauseMailbox: true } : fail(error, delayMs);
  }

  if (TRANSIENT_5XX.has(status)) {
    if (facts.isCreate) {
      // The server may have committed the item before failing; the caller must look before resending.
      return fail(new AmbiguousCreateError(`${what} answered ${status}; it may have been created`, code, status), retryAfterMs);
    }
    if (retryAfterMs !== undefined) {
      const error = new RetryAfterError(`${what} answered ${status} with Retry-After`, retryAfterMs, code, status);
      return canRetry ? { kind: 'retry', error, delayMs: retryAfterMs, pauseMailbox: true } : fail(error, retryAfterMs);
    }
    const error = new RetryableError(`${what} answered ${status} ${code ?? ''}`.trimEnd(), code, status);
    return canRetry ? { kind: 'retry', error, delayMs: backoff(), pauseMailbox: false } : fail(error);
  }

  if (status === 408) {
    if (facts.isCreate) return fail(new AmbiguousCreateError(`${what} timed out at the server (408)`, code, status));
    const error = new RetryableError(`${what} timed out at the server (408)`, code, status);
    return canRetry ? { kind: 'retry', error, delayMs: backoff(), pauseMailbox: false } : fail(error);
  }

  const diagnosis = diagnoseGraphError({
    status,
    code,
    message: facts.message,
    path: facts.path,
    mailbox: facts.mailbox,
    authMethod: facts.authMethod,
    tokenEnvName: facts.tokenEnvName,
  });

  if (status === 401) {
    // A static token cannot be renewed, so asking for one would only fail in a less clear way.
    if (!facts.tokenRefreshed && facts.authMethod !== 'token') return { kind: 'refresh-token' };
    return fail(new FatalError(diagnosis ?? `${what} was not authorised (401)`, code, status));
  }
  if (status === 403) {
    return fail(new FatalError(diagnosis ?? `${what} was forbidden (403)`, code, status));
  }
  if (status === 404) {
    if (code !== undefined && MAILBOX_404.has(code)) {
      return fail(new FatalError(diagnosis ?? `${what}: mailbox not found`, code, status));
    }
    if (code === 'ResourceNotFound' && isMailboxRoot(facts.path)) {
      return fail(new FatalError(diagnosis ?? `${what}: mailbox not found`, code, status));
    }
    // An item or folder that is gone: the caller decides (a stale folder cache, a message looked up by id).
    return fail(new NoRetryError(`${what} was not found (404 ${code ?? ''})`.trimEnd(), code, status));
  }
  if (status === 507) {
    return fail(new FatalError(diagnosis ?? `${what}: the mailbox is full (507)`, code, status));
  }
  // 400 (bad MIME, ErrorFolderExists…), 409, 413 and the rest: this request will never succeed as it is.
  const detail = facts.message ? `: ${facts.message}` : '';
  return fail(new NoRetryError(`${what} was refused (${status} ${code ?? ''})`.replace(/ \)$/, ')') + detail, code, status));
}

function fail(error: ClassifiedError, pauseMailboxMs?: number): Verdict {
  return pauseMailboxMs === undefined ? { kind: 'fail', error } : { kind: 'fail', error, pauseMailboxMs };
}

function describe(facts: ResponseFacts): string {
  return `${facts.method} ${facts.path}`;
}

/** `/users/{id}`, `/users/{id}/mailFolders`, `/users/{id}/messages`: a 404 there is about the mailbox. */
function isMailboxRoot(path: string): boolean {
  return /^(?:\/(?:v1\.0|beta))?\/users\/[^/]+(?:\/(?:mailFolders|messages))?\/?$/i.test(path);
}

/**
 * Retry-After in seconds (decimals allowed, as in Graph's own samples) or as an HTTP-date.
 * Undefined when absent or unreadable, so the caller falls back to backoff.
 */
export function parseRetryAfter(header: string | null | undefined, nowMs: number): number | undefined {
  if (header === null || header === undefined) return undefined;
  const value = header.trim();
  if (value === '') return undefined;
  if (/^\d+(?:\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  // An HTTP-date always names its month; without letters, Date.parse would accept junk such as "-1".
  if (!/[a-z]/i.test(value)) return undefined;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/**
 * A short network code for a failure that produced no response: node's errno codes, undici's codes,
 * or TimeoutError/AbortError for our own deadline.
 */
export function networkErrorCode(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const record = current as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown };
    if (typeof record.code === 'string' && record.code !== '') return record.code;
    if (record.name === 'TimeoutError') return 'ETIMEDOUT';
    if (record.name === 'AbortError') return 'ABORTED';
    if (typeof record.message === 'string') {
      if (/socket hang up/i.test(record.message)) return 'ECONNRESET';
      if (/other side closed/i.test(record.message)) return 'UND_ERR_SOCKET';
    }
    current = record.cause;
  }
  return 'ENETWORK';
}
