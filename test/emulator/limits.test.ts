import { RetryHandlerOptions, type Client } from '@microsoft/microsoft-graph-client';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { base64Mime, graphFor, msalFor } from './clients.js';
import { ALL_MAIL_ROLES, startEmulator, type Emulator } from './index.js';

const ANN = 'ann@contoso.onmicrosoft.com';
const BOB = 'bob@contoso.onmicrosoft.com';
const noRetry = [new RetryHandlerOptions(0, 0)];

interface ThrottleError {
  statusCode: number;
  code: string;
  message: string;
  headers?: Headers;
}

async function outcome(promise: Promise<unknown>): Promise<ThrottleError | 'ok'> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    return error as ThrottleError;
  }
}

function folders(graph: Client, upn: string) {
  return graph.api(`/users/${upn}/mailFolders`).middlewareOptions(noRetry).get();
}

describe('per app+mailbox limits', () => {
  let emulator: Emulator | undefined;
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  it('throttles the fifth concurrent request with ApplicationThrottled MailboxConcurrency and records the peak', async () => {
    emulator = await startEmulator({ latencyMs: { min: 400, max: 400 } });
    const graph = graphFor(emulator);
    await folders(graph, BOB); // token acquired and connection warm before the burst
    const results = await Promise.all(Array.from({ length: 8 }, () => outcome(folders(graph, ANN))));
    const throttled = results.filter((result): result is ThrottleError => result !== 'ok');
    expect(throttled.length).toBeGreaterThan(0);
    expect(throttled[0]).toMatchObject({ statusCode: 429, code: 'ApplicationThrottled', message: 'Application is over its MailboxConcurrency limit.' });
    expect(throttled[0]?.headers?.get('retry-after')).toBe('1');
    expect(emulator.inspect.maxConcurrency(ANN)).toBeGreaterThan(4);
    expect(emulator.inspect.requestCounts()[429]).toBe(throttled.length);
  });

  it('lets four concurrent requests through', async () => {
    emulator = await startEmulator({ latencyMs: { min: 100, max: 100 } });
    const graph = graphFor(emulator);
    const results = await Promise.all(Array.from({ length: 4 }, () => outcome(folders(graph, ANN))));
    expect(results).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(emulator.inspect.maxConcurrency(ANN)).toBeGreaterThan(0);
    expect(emulator.inspect.maxConcurrency(ANN)).toBeLessThanOrEqual(4);
  });

  it('never throttles four workers sending back to back', async () => {
    emulator = await startEmulator();
    const graph = graphFor(emulator);
    const worker = async () => {
      const results: (ThrottleError | 'ok')[] = [];
      for (let index = 0; index < 15; index += 1) results.push(await outcome(folders(graph, ANN)));
      return results;
    };
    const results = (await Promise.all([worker(), worker(), worker(), worker()])).flat();
    expect(results.filter((result) => result !== 'ok')).toEqual([]);
    expect(emulator.inspect.maxConcurrency(ANN)).toBeLessThanOrEqual(4);
  });

  it('enforces the request budget per window with Retry-After from the time-scaled window, per app', async () => {
    const other = '44444444-5555-4666-8777-888888888888';
    // 10 minutes x 0.005 = 3 s: long enough that six requests fit in one window on a loaded machine.
    emulator = await startEmulator({ limits: { requestsPerWindow: 5 }, timeScale: 0.005 });
    emulator.configure({
      clients: {
        [emulator.clientId]: { secret: emulator.clientSecret, roles: [...ALL_MAIL_ROLES] },
        [other]: { secret: 'other-secret', roles: [...ALL_MAIL_ROLES] },
      },
    });
    const graph = graphFor(emulator);
    for (let index = 0; index < 5; index += 1) expect(await outcome(folders(graph, ANN))).toBe('ok');
    const refused = await outcome(folders(graph, ANN));
    expect(refused).toMatchObject({ statusCode: 429, code: 'ApplicationThrottled' });
    const retryAfter = Number((refused as ThrottleError).headers?.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(3);
    expect(await outcome(folders(graphFor(emulator, msalFor(emulator, { clientSecret: 'other-secret' }, other)), ANN))).toBe('ok');
    expect(await outcome(folders(graph, BOB))).toBe('ok');
    await sleep(retryAfter * 1000);
    expect(await outcome(folders(graph, ANN))).toBe('ok');
  });

  it('can share one budget between all apps on a mailbox (limitScope: mailbox)', async () => {
    const other = '44444444-5555-4666-8777-888888888888';
    emulator = await startEmulator({ limits: { requestsPerWindow: 3 }, timeScale: 0.005, limitScope: 'mailbox' });
    emulator.configure({
      clients: {
        [emulator.clientId]: { secret: emulator.clientSecret, roles: [...ALL_MAIL_ROLES] },
        [other]: { secret: 'other-secret', roles: [...ALL_MAIL_ROLES] },
      },
    });
    const graph = graphFor(emulator);
    for (let index = 0; index < 3; index += 1) expect(await outcome(folders(graph, ANN))).toBe('ok');
    const otherApp = graphFor(emulator, msalFor(emulator, { clientSecret: 'other-secret' }, other));
    expect(await outcome(folders(otherApp, ANN))).toMatchObject({ statusCode: 429, code: 'ApplicationThrottled' });
  });

  it('enforces the upload budget with IncomingBytes; refused bytes are not stored', async () => {
    emulator = await startEmulator({ limits: { bytesPerWindow: 3000 }, timeScale: 0.02 });
    const graph = graphFor(emulator);
    const body = base64Mime(['Subject: bytes', '', 'x'.repeat(1500)]);
    const post = () => graph.api(`/users/${ANN}/mailFolders/inbox/importMime`).version('beta').header('Content-Type', 'text/plain').middlewareOptions(noRetry).post(body);
    expect(await outcome(post())).toBe('ok');
    const refused = await outcome(post());
    expect(refused).toMatchObject({ statusCode: 429, code: 'ApplicationThrottled', message: 'Application is over its IncomingBytes limit.' });
    expect(Number((refused as ThrottleError).headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(emulator.inspect.messages(ANN, 'Inbox')).toHaveLength(1);
  });

  it('lets the graph client ride out a throttle by honouring Retry-After', async () => {
    emulator = await startEmulator({ limits: { requestsPerWindow: 2 }, timeScale: 0.003 });
    const graph = graphFor(emulator);
    await graph.api(`/users/${ANN}/mailFolders`).get();
    await graph.api(`/users/${ANN}/mailFolders`).get();
    const third = (await graph.api(`/users/${ANN}/mailFolders`).get()) as { value: unknown[] };
    expect(third.value.length).toBeGreaterThan(0);
    expect(emulator.inspect.requestCounts()[429]).toBeGreaterThanOrEqual(1);
  });
});
