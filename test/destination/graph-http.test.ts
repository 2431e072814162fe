/**
 * GraphHttp against the local Graph emulator, with the real msal-node and graph-client underneath.
 * Run with NODE_EXTRA_CA_CERTS=test/emulator/certs/server-cert.pem.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  AmbiguousCreateError,
  FatalError,
  NoRetryError,
  RetryableError,
} from '../../src/accounting/errors.js';
import { resolveEndpoints } from '../../src/destination/graph/cloud.js';
import { secretCredential } from '../../src/destination/graph/credentials.js';
import { GraphHttp, type GraphHttpOptions } from '../../src/destination/graph/graph-http.js';
import { createTokenSource, type TokenSource } from '../../src/destination/graph/token-source.js';
import { DEFAULT_CLIENT_ID, startEmulator, type Emulator, type EmulatorOptions } from '../emulator/index.js';

const ANN = 'ann@contoso.onmicrosoft.com';
const running: Emulator[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((emulator) => emulator.close()));
});

interface Recorded {
  requests: number[];
  retries: string[];
  waits: Array<{ ms: number; reason: string }>;
}

async function stack(
  emulatorOptions: EmulatorOptions = {},
  httpOptions: Partial<GraphHttpOptions> = {},
  wrapTokens: (tokens: TokenSource) => TokenSource = (tokens) => tokens,
) {
  const emulator = await startEmulator(emulatorOptions);
  running.push(emulator);
  const endpoints = resolveEndpoints({ authorityHost: emulator.url, graphUrl: emulator.url });
  const tokens = createTokenSource({
    credential: secretCredential(emulator.clientSecret),
    tenant: emulator.tenant,
    clientId: emulator.clientId,
    endpoints,
  });
  const recorded: Recorded = { requests: [], retries: [], waits: [] };
  const graph = new GraphHttp({
    endpoints,
    tokens: wrapTokens(tokens),
    backoff: { baseMs: 20, capMs: 200 },
    events: {
      onRequest: (_mailbox, status) => recorded.requests.push(status),
      onRetry: (_mailbox, reason) => recorded.retries.push(reason),
      onThrottleWait: (_mailbox, ms, reason) => recorded.waits.push({ ms, reason }),
    },
    ...httpOptions,
  });
  /** Graph requests the emulator answered (token and discovery requests left out). */
  const graphLog = () => emulator.inspect.requests().filter((request) => /^\/(v1\.0|beta)\//.test(request.path));
  return { emulator, graph, recorded, graphLog };
}

function mime(subject: string, padding = 0): string {
  const lines = [
    'From: Zoe <zoe@example.com>',
    `To: ${ANN}`,
    `Subject: ${subject}`,
    'Date: Tue, 05 Mar 2024 10:00:00 +0000',
    `Message-ID: <${subject.replace(/\W/g, '')}@example.com>`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Hello ${subject}`,
    'x'.repeat(padding),
    '',
  ];
  return Buffer.from(lines.join('\r\n')).toString('base64');
}

function importMime(graph: GraphHttp, subject: string, padding = 0) {
  return graph.request<{ id: string; subject: string }>(ANN, {
    method: 'POST',
    path: `/users/${ANN}/mailFolders/inbox/importMime`,
    version: 'beta',
    body: mime(subject, padding),
    contentType: 'text/plain',
    isCreate: true,
  });
}

const listFolders = (graph: GraphHttp) =>
  graph.request<{ value: Array<{ displayName: string }> }>(ANN, { method: 'GET', path: `/users/${ANN}/mailFolders?$top=50` });

describe('GraphHttp against the emulator', () => {
  it('reads with a bearer token from msal and parses the JSON body', async () => {
    const { graph, recorded } = await stack();
    const response = await listFolders(graph);
    expect(response.status).toBe(200);
    expect(response.body.value.map((folder) => folder.displayName)).toContain('Inbox');
    expect(response.headers.get('request-id')).toBeTruthy();
    expect(recorded.requests).toEqual([200]);
  });

  it('creates through the beta importMime action with a raw text/plain body', async () => {
    const { graph, emulator } = await stack();
    const response = await importMime(graph, 'first');
    expect(response.status).toBe(201);
    expect(response.body.subject).toBe('first');
    expect(emulator.inspect.messages(ANN).filter((message) => message.subject === 'first')).toHaveLength(1);
  });

  it('retries a 503 on a safe request and succeeds', async () => {
    const { graph, recorded, graphLog } = await stack({ faults: { schedule: [{ kind: '503', nth: 1, method: 'GET' }] } });
    const response = await listFolders(graph);
    expect(response.status).toBe(200);
    expect(graphLog().map((request) => request.status)).toEqual([503, 200]);
    expect(recorded.retries).toEqual(['ServiceUnavailable']);
  });

  it('honours Retry-After on 429: the mailbox pauses for what Graph asked, then the request succeeds', async () => {
    const { graph, recorded, graphLog } = await stack({
      faults: { retryAfterSeconds: 1, schedule: [{ kind: '429-too-many-requests', nth: 1, method: 'GET' }] },
    });
    const response = await listFolders(graph);
    expect(response.status).toBe(200);
    expect(graphLog().map((request) => request.status)).toEqual([429, 200]);
    // Retry-After: 1 second, measured from when the 429 arrived (backoff here would be at most 200 ms).
    const pauses = recorded.waits.filter((wait) => wait.reason === 'retry-after');
    expect(pauses).toHaveLength(1);
    expect(pauses[0]!.ms).toBeGreaterThan(500);
    expect(pauses[0]!.ms).toBeLessThanOrEqual(1000);
    expect(recorded.retries).toEqual(['TooManyRequests']);
  });

  it('a 429 without Retry-After backs off and succeeds', async () => {
    const { graph, graphLog } = await stack({ faults: { schedule: [{ kind: '429-no-retry-after', nth: 1, method: 'GET' }] } });
    await expect(listFolders(graph)).resolves.toMatchObject({ status: 200 });
    expect(graphLog().map((request) => request.status)).toEqual([429, 200]);
  });

  it('a create answered 504 after commit throws AmbiguousCreateError and is not resent', async () => {
    const { graph, emulator, graphLog } = await stack({
      faults: { schedule: [{ kind: '504-after-commit', nth: 1, method: 'POST', path: 'importMime' }] },
    });
    const error = await importMime(graph, 'only once').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AmbiguousCreateError);
    expect((error as AmbiguousCreateError).status).toBe(504);
    expect(graphLog().filter((request) => request.method === 'POST')).toHaveLength(1);
    expect(emulator.inspect.messages(ANN).filter((message) => message.subject === 'only once')).toHaveLength(1);
  });

  it('a create whose connection is reset after commit is ambiguous too', async () => {
    const { graph, emulator, graphLog } = await stack({
      faults: { schedule: [{ kind: 'reset-after-commit', nth: 1, method: 'POST', path: 'importMime' }] },
    });
    const error = await importMime(graph, 'reset').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AmbiguousCreateError);
    expect(graphLog().filter((request) => request.method === 'POST')).toHaveLength(1);
    expect(emulator.inspect.messages(ANN).filter((message) => message.subject === 'reset')).toHaveLength(1);
  });

  it('a reset on a safe request is retried', async () => {
    const { graph, recorded } = await stack({ faults: { schedule: [{ kind: 'reset-before-commit', nth: 1, method: 'GET' }] } });
    await expect(listFolders(graph)).resolves.toMatchObject({ status: 200 });
    expect(recorded.requests).toEqual([0, 200]);
  });

  it('a per-request timeout: a slow read is retried; a slow create is ambiguous', async () => {
    const { graph, emulator } = await stack({
      faults: {
        slowMs: 3000,
        schedule: [
          { kind: 'slow', nth: 1, method: 'GET' },
          { kind: 'slow', nth: 1, method: 'POST', path: 'importMime' },
        ],
      },
    });
    const read = await graph.request(ANN, { method: 'GET', path: `/users/${ANN}/mailFolders`, timeoutMs: 500 });
    expect(read.status).toBe(200);
    const error = await graph
      .request(ANN, {
        method: 'POST',
        path: `/users/${ANN}/mailFolders/inbox/importMime`,
        version: 'beta',
        body: mime('slow'),
        contentType: 'text/plain',
        isCreate: true,
        timeoutMs: 500,
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AmbiguousCreateError);
    expect((error as AmbiguousCreateError).code).toBe('ETIMEDOUT');
    // The server finishes the slow create on its own: exactly one, never a second from us.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(emulator.inspect.messages(ANN).filter((message) => message.subject === 'slow')).toHaveLength(1);
  });

  it('gives up after maxAttempts with a RetryableError', async () => {
    const { graph, graphLog } = await stack({ faults: { rates: { '503': 1 } } }, { maxAttempts: 3 });
    await expect(listFolders(graph)).rejects.toBeInstanceOf(RetryableError);
    expect(graphLog()).toHaveLength(3);
  });

  it('401 on an expired token: refreshes once and succeeds', async () => {
    // A cache that keeps handing out the first token, as any cache does until it learns better.
    let cached: string | undefined;
    const stale = (tokens: TokenSource): TokenSource => ({
      method: tokens.method,
      async getToken(options) {
        if (options?.forceRefresh || cached === undefined) cached = await tokens.getToken(options);
        return cached;
      },
    });
    const { graph, recorded, graphLog } = await stack({ tokenLifetimeSeconds: 2 }, {}, stale);
    await listFolders(graph);
    await new Promise((resolve) => setTimeout(resolve, 3100));
    const response = await listFolders(graph);
    expect(response.status).toBe(200);
    expect(graphLog().map((request) => request.status)).toEqual([200, 401, 200]);
    expect(recorded.retries).toContain('token-refresh');
  });

  it('403 is fatal and names the missing permission', async () => {
    const { graph, graphLog } = await stack({
      clients: { [DEFAULT_CLIENT_ID]: { secret: 'test-only-secret-with-mail-readwrite-only', roles: ['Mail.ReadWrite'] } },
    });
    // Reads and folder calls work with Mail.ReadWrite; importMime needs the advanced permission.
    await expect(listFolders(graph)).resolves.toMatchObject({ status: 200 });
    const error = await importMime(graph, 'forbidden').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FatalError);
    expect((error as FatalError).status).toBe(403);
    expect((error as FatalError).message).toMatch(/Mail-Advanced\.ReadWrite\.All/);
    expect((error as FatalError).message).toMatch(/admin consent/);
    expect(graphLog().map((request) => request.status)).toEqual([200, 403]);
  });

  it('an unknown mailbox is fatal with a sentence naming it', async () => {
    const { graph } = await stack();
    const error = await graph
      .request('nobody@contoso.onmicrosoft.com', { method: 'GET', path: '/users/nobody@contoso.onmicrosoft.com/mailFolders' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FatalError);
    expect((error as FatalError).message).toMatch(/nobody@contoso\.onmicrosoft\.com does not exist/);
  });

  it('a malformed MIME body is no-retry, sent once', async () => {
    const { graph, graphLog } = await stack();
    const error = await graph
      .request(ANN, {
        method: 'POST',
        path: `/users/${ANN}/mailFolders/inbox/importMime`,
        version: 'beta',
        body: '!!! not base64 !!!',
        contentType: 'text/plain',
        isCreate: true,
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NoRetryError);
    expect(graphLog()).toHaveLength(1);
  });

  it('follows an absolute nextLink as it is', async () => {
    const { graph } = await stack();
    const first = await graph.request<{ '@odata.nextLink'?: string; value: unknown[] }>(ANN, {
      method: 'GET',
      path: `/users/${ANN}/mailFolders?$top=2`,
    });
    expect(first.body.value).toHaveLength(2);
    const next = first.body['@odata.nextLink'];
    expect(next).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/v1\.0\//);
    const second = await graph.request<{ value: unknown[] }>(ANN, { method: 'GET', path: next! });
    expect(second.status).toBe(200);
    expect(second.body.value.length).toBeGreaterThan(0);
  });

  it('refuses to send the token to a host other than the Graph URL\'s (an absolute URL elsewhere)', async () => {
    const { graph, graphLog } = await stack();
    const before = graphLog().length;
    await expect(graph.request(ANN, { method: 'GET', path: 'https://elsewhere.example/v1.0/users' })).rejects.toThrow(/will not send the token to https:\/\/elsewhere\.example/);
    // The emulator's own host in another spelling is still the Graph URL's host.
    const nextLink = (await graph.request<{ '@odata.nextLink'?: string }>(ANN, { method: 'GET', path: `/users/${ANN}/mailFolders?$top=1` })).body['@odata.nextLink'];
    await expect(graph.request(ANN, { method: 'GET', path: nextLink!.replace('https://', 'HTTPS://') })).resolves.toMatchObject({ status: 200 });
    expect(graphLog().length).toBe(before + 2);
  });

  it('refuses a plain-http absolute URL instead of mangling it', async () => {
    const { graph } = await stack();
    await expect(graph.request(ANN, { method: 'GET', path: 'http://127.0.0.1:1/v1.0/users' })).rejects.toThrow(/https/);
  });
});
