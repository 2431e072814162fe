import { RetryHandlerOptions, type Client } from '@microsoft/microsoft-graph-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { base64Mime, graphFor, msalFor, tokenFor } from './clients.js';
import { FaultInjector } from './faults.js';
import { startEmulator, type Emulator, type EmulatorOptions } from './index.js';

const ANN = 'ann@contoso.onmicrosoft.com';
const noRetry = [new RetryHandlerOptions(0, 0)];
const IMPORT_PATH = /importMime$/;

async function outcome(promise: Promise<unknown>): Promise<Record<string, unknown> | 'ok'> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    return error as Record<string, unknown>;
  }
}

function importMime(graph: Client, subject: string, retry = noRetry) {
  return graph
    .api(`/users/${ANN}/mailFolders/inbox/importMime`)
    .version('beta')
    .header('Content-Type', 'text/plain')
    .middlewareOptions(retry)
    .post(base64Mime([`Subject: ${subject}`, `Message-ID: <${subject}@x>`, '', 'x']));
}

describe('fault injection', () => {
  let emulator: Emulator | undefined;
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });
  const start = async (options: EmulatorOptions) => {
    emulator = await startEmulator(options);
    return { emulator, graph: graphFor(emulator) };
  };

  it('503 with Retry-After: the graph client retries and succeeds; the fault is recorded', async () => {
    const { emulator, graph } = await start({ faults: { schedule: [{ kind: '503-retry-after', nth: 1, method: 'GET' }], retryAfterSeconds: 1 } });
    const folders = (await graph.api(`/users/${ANN}/mailFolders`).get()) as { value: unknown[] };
    expect(folders.value.length).toBeGreaterThan(0);
    expect(emulator.inspect.requestCounts()[503]).toBe(1);
    expect(emulator.inspect.faultsInjected()).toMatchObject([{ kind: '503-retry-after', method: 'GET' }]);
  });

  it('503 without Retry-After, and the 429 variants', async () => {
    const { graph } = await start({
      faults: {
        schedule: [
          { kind: '503', nth: 1 },
          { kind: '429-too-many-requests', nth: 2 },
          { kind: '429-no-retry-after', nth: 3 },
        ],
      },
    });
    const get = () => outcome(graph.api(`/users/${ANN}/mailFolders`).middlewareOptions(noRetry).get());
    const unavailable = (await get()) as { statusCode: number; headers: Headers };
    expect(unavailable.statusCode).toBe(503);
    expect(unavailable.headers.get('retry-after')).toBeNull();
    const tooMany = (await get()) as { statusCode: number; code: string; headers: Headers };
    expect(tooMany).toMatchObject({ statusCode: 429, code: 'TooManyRequests' });
    expect(tooMany.headers.get('retry-after')).toBe('1');
    const bare = (await get()) as { statusCode: number; headers: Headers };
    expect(bare.statusCode).toBe(429);
    expect(bare.headers.get('retry-after')).toBeNull();
    expect(await get()).toBe('ok');
  });

  it('504 after commit: the create exists although the client saw 504, and the SDK retry duplicates it', async () => {
    const { emulator, graph } = await start({ faults: { schedule: [{ kind: '504-after-commit', nth: 1, path: IMPORT_PATH }, { kind: '504-after-commit', nth: 2, path: IMPORT_PATH }] } });
    const first = await outcome(importMime(graph, 'trap'));
    expect(first).toMatchObject({ statusCode: 504 });
    expect(emulator.inspect.messages(ANN, 'Inbox').map((message) => message.subject)).toEqual(['trap']);
    // The default RetryHandler retries POSTs on 504: the second create commits too.
    await importMime(graph, 'retried', [new RetryHandlerOptions(1, 1)]);
    expect(emulator.inspect.messages(ANN, 'Inbox').map((message) => message.subject)).toEqual(['trap', 'retried', 'retried']);
    expect(emulator.inspect.faultsInjected().map((fault) => fault.kind)).toEqual(['504-after-commit', '504-after-commit']);
  });

  it('resets the connection before or after the commit', async () => {
    const { emulator, graph } = await start({
      faults: {
        schedule: [
          { kind: 'reset-before-commit', nth: 1, path: IMPORT_PATH },
          { kind: 'reset-after-commit', nth: 2, path: IMPORT_PATH },
        ],
      },
    });
    expect(await outcome(importMime(graph, 'lost'))).not.toBe('ok');
    expect(emulator.inspect.messages(ANN, 'Inbox')).toHaveLength(0);
    expect(await outcome(importMime(graph, 'kept'))).not.toBe('ok');
    expect(emulator.inspect.messages(ANN, 'Inbox').map((message) => message.subject)).toEqual(['kept']);
    expect(emulator.inspect.requestCounts()[0]).toBe(2);
  });

  it('slows a response down and says so', async () => {
    const { emulator, graph } = await start({ faults: { schedule: [{ kind: 'slow', nth: 1 }], slowMs: 50 } });
    expect(await outcome(graph.api(`/users/${ANN}/mailFolders`).get())).toBe('ok');
    expect(emulator.inspect.faultsInjected().map((fault) => fault.kind)).toEqual(['slow']);
  });

  it('a slow create still lands after its client went away, as a killed importer leaves it', async () => {
    const { emulator } = await start({ faults: { schedule: [{ kind: 'slow', nth: 1, path: IMPORT_PATH }], slowMs: 300 } });
    const token = await tokenFor(msalFor(emulator));
    const gone = new AbortController();
    const sent = fetch(`${emulator.url}/beta/users/${ANN}/mailFolders/inbox/importMime`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' },
      body: base64Mime(['Subject: late', 'Message-ID: <late@x>', '', 'x']),
      signal: gone.signal,
    });
    // Gone once the server holds the request (the slow fault is decided on arrival), before any answer.
    await vi.waitFor(() => expect(emulator.inspect.faultsInjected()).toHaveLength(1));
    gone.abort();
    await expect(sent).rejects.toThrow();
    expect(emulator.inspect.messages(ANN, 'Inbox')).toHaveLength(0);
    await vi.waitFor(() => expect(emulator.inspect.messages(ANN, 'Inbox').map((m) => m.subject)).toEqual(['late']), { timeout: 5000 });
  });

  it('draws each slow delay from a range, and the same seed gives the same delays', () => {
    const delays = (seed: number): number[] => {
      const injector = new FaultInjector({ slowMs: { min: 5000, max: 15000 } }, seed);
      return Array.from({ length: 50 }, () => injector.slowDelayMs());
    };
    const first = delays(3);
    expect(first.every((ms) => ms >= 5000 && ms <= 15000)).toBe(true);
    expect(new Set(first).size).toBeGreaterThan(40);
    expect(delays(3)).toEqual(first);
    expect(new FaultInjector({ slowMs: 50 }, 3).slowDelayMs()).toBe(50);
  });

  it('draws rate-based faults from a seeded PRNG: the same seed gives the same faults', async () => {
    const run = async (seed: number) => {
      const { emulator, graph } = await start({ seed, faults: { rates: { '503': 0.3, '504-after-commit': 0.3 } } });
      const results: string[] = [];
      for (let index = 0; index < 20; index += 1) {
        const result = await outcome(index % 2 === 0 ? importMime(graph, `m${index}`) : graph.api(`/users/${ANN}/mailFolders`).middlewareOptions(noRetry).get());
        results.push(result === 'ok' ? 'ok' : String(result['statusCode']));
      }
      const faults = emulator.inspect.faultsInjected().map((fault) => `${fault.kind} ${fault.method}`);
      await emulator.close();
      return { results, faults };
    };
    const first = await run(42);
    const second = await run(42);
    expect(second).toEqual(first);
    expect(first.faults.length).toBeGreaterThan(0);
    expect(first.faults.filter((fault) => fault.startsWith('504')).every((fault) => fault.endsWith('POST'))).toBe(true);
  });
});
