import { releaseWhenAnswered } from '../http/answer-hook.js';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeJwtPart } from '../entra/access-token.js';
import type { FaultKind } from '../faults.js';
import { readBody } from '../http/read-body.js';
import type { Reply } from '../http/reply.js';
import type { ReplyIds } from '../http/write-reply.js';
import type { EmulatorState } from '../state.js';
import { authenticate } from './authenticate.js';
import { runBatch } from './batch.js';
import type { GraphContext } from './context.js';
import { GraphHttpError, graphErrorReply, graphErrors } from './errors.js';
import { requirePermission } from './permissions.js';
import { findGraphRoute } from './routes.js';

/** Graph's request size cap. */
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024;
const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT']);
/** System query options the emulator implements; anything else must fail loudly rather than be ignored. */
const SUPPORTED_QUERY_OPTIONS = new Set(['$top', '$skip', '$select', '$filter', '$count', '$expand', '$orderby', '$skiptoken', '$deltatoken']);

function rejectUnsupportedQueryOptions(url: URL): void {
  for (const name of url.searchParams.keys()) {
    if (name.startsWith('$') && !SUPPORTED_QUERY_OPTIONS.has(name.toLowerCase())) {
      throw graphErrors.badRequest(`The query option '${name}' is not supported by this emulator.`);
    }
  }
}

export type Outcome = { kind: 'reply'; reply: Reply } | { kind: 'reset' };

export function unverifiedAppId(authorization: string | undefined): string {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  const appid = decodeJwtPart(token?.split('.')[1])?.['appid'];
  return typeof appid === 'string' ? appid : 'anonymous';
}

function faultReply(kind: FaultKind, retryAfterSeconds: number): GraphHttpError | undefined {
  switch (kind) {
    case '503-retry-after':
      return new GraphHttpError(503, 'ServiceUnavailable', 'Service Unavailable', { 'Retry-After': String(retryAfterSeconds) });
    case '503':
      return new GraphHttpError(503, 'ServiceUnavailable', 'Service Unavailable');
    case '429-too-many-requests':
      return new GraphHttpError(429, 'TooManyRequests', 'Please retry again later.', { 'Retry-After': String(retryAfterSeconds) });
    case '429-no-retry-after':
      return new GraphHttpError(429, 'ApplicationThrottled', 'Application is over its MailboxConcurrency limit.');
    case '403-access-denied':
      return new GraphHttpError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
    case '404-item-not-found':
      return graphErrors.itemNotFound();
    default:
      return undefined;
  }
}

/** A route's prepare() run now, what it throws kept for the handler; a rejected promise is its to await. */
function prepared(prepare: (context: GraphContext) => unknown, context: GraphContext): GraphContext['prepared'] {
  try {
    const value = prepare(context);
    // Not awaited when a fault answers first: that must not be an unhandled rejection.
    if (value instanceof Promise) value.catch(() => undefined);
    return { value };
  } catch (error) {
    return { error };
  }
}

function latency(state: EmulatorState, random: () => number): number {
  const { min, max } = state.options.latencyMs;
  return max <= 0 ? 0 : min + random() * Math.max(0, max - min);
}

/** A Graph request independent of its transport: a socket, or one entry of a $batch. */
export interface GraphRequestInput {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  /** Reads the body once the request has been counted as in flight. */
  readBody: () => Promise<{ body: Buffer; tooLarge: boolean; length: number }>;
  /** Called with the release function of the in-flight slot, which must run when the answer is sent. */
  onArrival: (release: () => void) => void;
}

/**
 * One Graph request from arrival to answer: concurrency is counted the moment it arrives; then auth, size,
 * mailbox, route, limits, permission, upload budget, faults, latency, the handler, and after-commit faults.
 */
export async function runGraphRequest(
  state: EmulatorState,
  request: IncomingMessage,
  response: ServerResponse,
  ids: ReplyIds,
  random: () => number,
): Promise<Outcome> {
  return executeGraphRequest(
    state,
    {
      method: (request.method ?? 'GET').toUpperCase(),
      url: new URL(request.url ?? '/', state.url),
      headers: request.headers,
      readBody: () => readBody(request, MAX_REQUEST_BYTES),
      onArrival: (release) => releaseWhenAnswered(response, release),
    },
    ids,
    random,
  );
}

export async function executeGraphRequest(state: EmulatorState, input: GraphRequestInput, ids: ReplyIds, random: () => number): Promise<Outcome> {
  const { method, url, headers } = input;
  const [versionSegment, ...rest] = url.pathname.split('/').filter((segment) => segment.length > 0).map(decodeURIComponent);
  const version = versionSegment === 'beta' ? 'beta' : 'v1.0';
  const userSegment = rest[1] ?? '';
  const isUserPath = rest[0]?.toLowerCase() === 'users' && userSegment !== '';
  const upn = userSegment.toLowerCase();
  const arrival = isUserPath ? state.limits.arrive(unverifiedAppId(headers.authorization), upn) : undefined;
  if (arrival) input.onArrival(arrival.release);

  const { body, tooLarge, length } = await input.readBody();
  try {
    const claims = authenticate(headers.authorization, state.signer);
    if (tooLarge) throw graphErrors.requestTooLarge();
    if (rest[0]?.toLowerCase() === 'me') throw graphErrors.meWithAppToken();
    if (rest.length === 1 && rest[0] === '$batch' && method === 'POST') {
      const execute = (item: GraphRequestInput, itemIds: ReplyIds) => executeGraphRequest(state, item, itemIds, random);
      return { kind: 'reply', reply: await runBatch(state, { version, authorization: headers.authorization ?? '', body }, execute) };
    }
    if (!isUserPath || !arrival) throw graphErrors.unknownSegment(rest[0] ?? versionSegment ?? '');
    const mailbox = state.store.get(upn);
    if (!mailbox) throw graphErrors.invalidUser(userSegment);
    const { route, params } = findGraphRoute(version, method, rest.slice(2), {
      importMime: state.options.quirks.importMimeMissing !== true,
      nationalCloud: state.options.quirks.nationalCloud === true,
    });
    rejectUnsupportedQueryOptions(url);
    const mailboxState = state.options.quirks.mailboxStates?.[upn];
    if (mailboxState === 'access-policy') throw new GraphHttpError(403, 'ErrorAccessDenied', 'Access to OData is disabled.');
    if (mailboxState === 'unlicensed') throw new GraphHttpError(404, 'MailboxNotEnabledForRESTAPI', 'The mailbox is either inactive, soft-deleted, or is hosted on-premise.');
    if (mailboxState === 'quota-exceeded' && method === 'POST' && route.isCreate === true) throw new GraphHttpError(403, 'ErrorQuotaExceeded', 'Mailbox has exceeded maximum mailbox size.');
    if (mailboxState === 'unavailable') throw new GraphHttpError(503, 'ServiceUnavailable', 'Service Unavailable');
    if (mailboxState === 'throttled') throw new GraphHttpError(429, 'ApplicationThrottled', 'Application is over its MailboxRequests limit.');
    if (mailboxState === 'quota-exceeded-507' && method === 'POST' && route.isCreate === true) throw new GraphHttpError(507, 'QuotaExceededException', 'Target mailbox quota exceeded.');

    const verdict = state.limits.admit(claims.appid, upn, arrival.observed);
    if (!verdict.ok) throw graphErrors.throttled(verdict.limit, verdict.retryAfterSeconds);
    if (state.options.quirks.throttleAtConcurrencyLimit === true && arrival.observed >= state.options.limits.concurrency) {
      throw graphErrors.throttled('MailboxConcurrency', 1);
    }
    requirePermission(claims, route.permission);
    if (WRITE_METHODS.has(method)) {
      const bytes = state.limits.admitBytes(claims.appid, upn, length);
      if (!bytes.ok) throw graphErrors.throttled(bytes.limit, bytes.retryAfterSeconds);
    }

    const faults = state.faults;
    const faultRequest = { requestId: ids.requestId, method, path: url.pathname, isCreate: route.isCreate === true && method === 'POST' };
    const fault = faults.decide(faultRequest);
    const afterCommit = fault === 'reset-after-commit' || fault === '504-after-commit';
    if (fault && !afterCommit) faults.record(fault, faultRequest);
    const context: GraphContext = { state, version, method, url, headers, body, claims, mailbox, userSegment, params };
    if (route.prepare) context.prepared = prepared(route.prepare, context);
    const delay = latency(state, random) + (fault === 'slow' ? faults.slowDelayMs() : 0);
    if (delay > 0) await sleep(delay);
    if (fault === 'reset-before-commit') return { kind: 'reset' };
    const injected = fault ? faultReply(fault, faults.retryAfterSeconds) : undefined;
    if (injected) throw injected;

    const reply = await route.handle(context);
    if (fault && afterCommit && reply.status < 300) {
      faults.record(fault, faultRequest);
      if (fault === 'reset-after-commit') return { kind: 'reset' };
      throw new GraphHttpError(504, 'GatewayTimeout', 'The operation has timed out.');
    }
    return { kind: 'reply', reply };
  } catch (error) {
    if (error instanceof GraphHttpError) return { kind: 'reply', reply: graphErrorReply(error, ids) };
    throw error;
  }
}
