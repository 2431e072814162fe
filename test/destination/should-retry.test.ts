import { describe, expect, it } from 'vitest';
import {
  AmbiguousCreateError,
  FatalError,
  NoRetryError,
  RetryAfterError,
  RetryableError,
} from '../../src/accounting/errors.js';
import { backoffDelay, seededRandom } from '../../src/destination/graph/backoff.js';
import {
  classifyResponse,
  networkErrorCode,
  parseRetryAfter,
  type ResponseFacts,
} from '../../src/destination/graph/should-retry.js';

const NOW = Date.parse('2026-11-22T12:00:00Z');

function facts(overrides: Partial<ResponseFacts>): ResponseFacts {
  return {
    method: 'GET',
    path: '/users/ann@contoso.com/mailFolders',
    mailbox: 'ann@contoso.com',
    isCreate: false,
    tokenRefreshed: false,
    authMethod: 'secret',
    ...overrides,
  };
}

const CREATE = { method: 'POST', path: '/users/ann@contoso.com/messages', isCreate: true } as const;
const options = { nowMs: NOW, random: () => 0.5, backoff: { baseMs: 1000, capMs: 60_000 } };

describe('classifyResponse', () => {
  it('passes 2xx and 3xx through', () => {
    expect(classifyResponse(facts({ status: 200 }), 1, options)).toEqual({ kind: 'ok' });
    expect(classifyResponse(facts({ status: 201, ...CREATE }), 1, options)).toEqual({ kind: 'ok' });
    expect(classifyResponse(facts({ status: 204 }), 1, options)).toEqual({ kind: 'ok' });
  });

  it('429 with Retry-After in decimal seconds pauses the mailbox for that long', () => {
    const verdict = classifyResponse(facts({ status: 429, code: 'TooManyRequests', retryAfterHeader: '2.128' }), 1, options);
    expect(verdict.kind).toBe('retry');
    if (verdict.kind !== 'retry') return;
    expect(verdict.delayMs).toBe(2128);
    expect(verdict.pauseMailbox).toBe(true);
    expect(verdict.error).toBeInstanceOf(RetryAfterError);
    expect((verdict.error as RetryAfterError).retryAfterMs).toBe(2128);
  });

  it('429 with an HTTP-date Retry-After waits until that date', () => {
    const header = new Date(NOW + 7000).toUTCString();
    const verdict = classifyResponse(facts({ status: 429, retryAfterHeader: header }), 1, options);
    expect(verdict).toMatchObject({ kind: 'retry', delayMs: 7000, pauseMailbox: true });
  });

  it('429 without Retry-After falls back to backoff, still pausing the mailbox', () => {
    const verdict = classifyResponse(facts({ status: 429 }), 3, options);
    // attempt 3: ceiling 4000 ms, random 0.5
    expect(verdict).toMatchObject({ kind: 'retry', delayMs: 2000, pauseMailbox: true });
  });

  it('429 on a create is resent: throttled requests were not acted on', () => {
    const verdict = classifyResponse(facts({ status: 429, retryAfterHeader: '1', ...CREATE }), 1, options);
    expect(verdict).toMatchObject({ kind: 'retry', delayMs: 1000 });
  });

  it('503 with Retry-After on a safe request is retry-after', () => {
    const verdict = classifyResponse(facts({ status: 503, retryAfterHeader: '3' }), 1, options);
    expect(verdict).toMatchObject({ kind: 'retry', delayMs: 3000, pauseMailbox: true });
    if (verdict.kind === 'retry') expect(verdict.error).toBeInstanceOf(RetryAfterError);
  });

  it.each([500, 502, 503, 504])('%i on a safe request is retried with backoff, not pausing the mailbox', (status) => {
    const verdict = classifyResponse(facts({ status }), 1, options);
    expect(verdict).toMatchObject({ kind: 'retry', delayMs: 500, pauseMailbox: false });
    if (verdict.kind === 'retry') expect(verdict.error).toBeInstanceOf(RetryableError);
  });

  it.each([500, 502, 503, 504])('%i on a create is ambiguous and never resent', (status) => {
    const verdict = classifyResponse(facts({ status, ...CREATE }), 1, options);
    expect(verdict.kind).toBe('fail');
    if (verdict.kind === 'fail') expect(verdict.error).toBeInstanceOf(AmbiguousCreateError);
  });

  it('503 with Retry-After on a create is ambiguous but still pauses the mailbox', () => {
    const verdict = classifyResponse(facts({ status: 503, retryAfterHeader: '5', ...CREATE }), 1, options);
    expect(verdict).toMatchObject({ kind: 'fail', pauseMailboxMs: 5000 });
    if (verdict.kind === 'fail') expect(verdict.error).toBeInstanceOf(AmbiguousCreateError);
  });

  it.each(['ECONNRESET', 'ETIMEDOUT', 'UND_ERR_SOCKET'])('network %s: retry when safe, ambiguous on a create', (networkCode) => {
    expect(classifyResponse(facts({ networkCode }), 1, options)).toMatchObject({ kind: 'retry', pauseMailbox: false });
    const create = classifyResponse(facts({ networkCode, ...CREATE }), 1, options);
    expect(create.kind).toBe('fail');
    if (create.kind === 'fail') {
      expect(create.error).toBeInstanceOf(AmbiguousCreateError);
      expect(create.error.code).toBe(networkCode);
    }
  });

  it('a refused connection never reached the server, so even a create is resent', () => {
    expect(classifyResponse(facts({ networkCode: 'ECONNREFUSED', ...CREATE }), 1, options)).toMatchObject({ kind: 'retry' });
  });

  it('gives up after maxAttempts with the last classified error', () => {
    const verdict = classifyResponse(facts({ status: 503 }), 4, { ...options, maxAttempts: 4 });
    expect(verdict.kind).toBe('fail');
    if (verdict.kind === 'fail') expect(verdict.error).toBeInstanceOf(RetryableError);
    const throttled = classifyResponse(facts({ status: 429, retryAfterHeader: '1' }), 4, { ...options, maxAttempts: 4 });
    expect(throttled.kind).toBe('fail');
    if (throttled.kind === 'fail') expect(throttled.error).toBeInstanceOf(RetryAfterError);
  });

  it('401 asks for a fresh token once, then is fatal', () => {
    const first = facts({ status: 401, code: 'InvalidAuthenticationToken' });
    expect(classifyResponse(first, 1, options)).toEqual({ kind: 'refresh-token' });
    const second = classifyResponse({ ...first, tokenRefreshed: true }, 2, options);
    expect(second.kind).toBe('fail');
    if (second.kind === 'fail') {
      expect(second.error).toBeInstanceOf(FatalError);
      expect(second.error.message).toMatch(/--cloud/);
    }
  });

  it('401 with a ready-made token is fatal at once and says it cannot be refreshed', () => {
    const verdict = classifyResponse(
      facts({ status: 401, code: 'InvalidAuthenticationToken', authMethod: 'token', tokenEnvName: 'GRAPH_TOKEN' }),
      1,
      options,
    );
    expect(verdict.kind).toBe('fail');
    if (verdict.kind === 'fail') {
      expect(verdict.error).toBeInstanceOf(FatalError);
      expect(verdict.error.message).toMatch(/GRAPH_TOKEN/);
      expect(verdict.error.message).toMatch(/cannot be\s+refreshed/);
    }
  });

  it('403 is fatal and names the permission the request needed', () => {
    const folders = classifyResponse(facts({ status: 403, code: 'ErrorAccessDenied' }), 1, options);
    const mime = classifyResponse(
      facts({ status: 403, code: 'ErrorAccessDenied', method: 'POST', path: '/beta/users/ann@contoso.com/mailFolders/x/importMime', isCreate: true }),
      1,
      options,
    );
    for (const verdict of [folders, mime]) {
      expect(verdict.kind).toBe('fail');
      if (verdict.kind === 'fail') expect(verdict.error).toBeInstanceOf(FatalError);
    }
    if (folders.kind === 'fail') {
      expect(folders.error.message).toMatch(/Mail\.ReadWrite\b/);
      expect(folders.error.message).not.toMatch(/Mail-Advanced/);
      expect(folders.error.message).toMatch(/admin consent/);
    }
    if (mime.kind === 'fail') {
      expect(mime.error.message).toMatch(/Mail-Advanced\.ReadWrite\.All/);
      expect(mime.error.message).toMatch(/--api v1\.0/);
    }
  });

  it.each([
    ['ErrorMimeContentInvalidBase64String', 400],
    ['UnableToDeserializePostBody', 400],
    ['ErrorFolderExists', 409],
    ['RequestEntityTooLarge', 413],
  ])('%s (%i) is no-retry and keeps the code', (code, status) => {
    const verdict = classifyResponse(facts({ status, code, ...CREATE }), 1, options);
    expect(verdict.kind).toBe('fail');
    if (verdict.kind === 'fail') {
      expect(verdict.error).toBeInstanceOf(NoRetryError);
      expect(verdict.error.code).toBe(code);
      expect(verdict.error.status).toBe(status);
    }
  });

  it('404 on the mailbox is fatal; 404 on an item is no-retry', () => {
    const kinds = [
      classifyResponse(facts({ status: 404, code: 'ErrorInvalidUser' }), 1, options),
      classifyResponse(facts({ status: 404, code: 'MailboxNotEnabledForRESTAPI' }), 1, options),
      classifyResponse(facts({ status: 404, code: 'ResourceNotFound', path: '/users/ann@contoso.com/mailFolders' }), 1, options),
      classifyResponse(facts({ status: 404, code: 'ErrorItemNotFound', path: '/users/ann@contoso.com/mailFolders/AAM=' }), 1, options),
      classifyResponse(facts({ status: 404, code: 'ResourceNotFound', path: '/users/ann@contoso.com/messages/AAM=/move' }), 1, options),
    ].map((verdict) => (verdict.kind === 'fail' ? verdict.error.errorClass : verdict.kind));
    expect(kinds).toEqual(['fatal', 'fatal', 'fatal', 'no-retry', 'no-retry']);
  });

  it('the ErrorInvalidUser sentence names the mailbox', () => {
    const verdict = classifyResponse(facts({ status: 404, code: 'ErrorInvalidUser', mailbox: 'nobody@contoso.com' }), 1, options);
    if (verdict.kind !== 'fail') throw new Error('expected fail');
    expect(verdict.error.message).toMatch(/nobody@contoso\.com.*--mailbox/);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds, decimals and dates; ignores junk', () => {
    expect(parseRetryAfter('1', NOW)).toBe(1000);
    expect(parseRetryAfter(' 2.5 ', NOW)).toBe(2500);
    expect(parseRetryAfter('0', NOW)).toBe(0);
    expect(parseRetryAfter(new Date(NOW + 3000).toUTCString(), NOW)).toBe(3000);
    expect(parseRetryAfter(new Date(NOW - 3000).toUTCString(), NOW)).toBe(0);
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
    expect(parseRetryAfter('-1', NOW)).toBeUndefined();
    expect(parseRetryAfter('', NOW)).toBeUndefined();
    expect(parseRetryAfter(null, NOW)).toBeUndefined();
  });
});

describe('networkErrorCode', () => {
  it('finds the code behind undici’s "fetch failed"', () => {
    const error = new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
    expect(networkErrorCode(error)).toBe('UND_ERR_SOCKET');
    expect(networkErrorCode(new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) }))).toBe('ECONNRESET');
  });

  it('maps socket hang up, timeouts and aborts', () => {
    expect(networkErrorCode(new Error('socket hang up'))).toBe('ECONNRESET');
    expect(networkErrorCode(new DOMException('t', 'TimeoutError'))).toBe('ETIMEDOUT');
    expect(networkErrorCode(new DOMException('a', 'AbortError'))).toBe('ABORTED');
    expect(networkErrorCode('weird')).toBe('ENETWORK');
  });
});

describe('backoffDelay', () => {
  it('is full jitter under an exponential, capped ceiling', () => {
    expect(backoffDelay(1, { baseMs: 100, capMs: 1000 }, () => 0.999)).toBe(99);
    expect(backoffDelay(3, { baseMs: 100, capMs: 1000 }, () => 0.999)).toBe(399);
    expect(backoffDelay(10, { baseMs: 100, capMs: 1000 }, () => 0.999)).toBe(999);
    expect(backoffDelay(10_000, { baseMs: 100, capMs: 1000 }, () => 0.5)).toBe(500);
    expect(backoffDelay(5, { baseMs: 100, capMs: 1000 }, () => 0)).toBe(0);
  });

  it('seeded random is reproducible and in [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const values = Array.from({ length: 1000 }, () => a());
    expect(values).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(values.every((value) => value >= 0 && value < 1)).toBe(true);
    expect(new Set(values).size).toBeGreaterThan(990);
  });
});
