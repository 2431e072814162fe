import type { Client } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphFor, failure } from './clients.js';
import { startEmulator, type Emulator } from './index.js';

const ANN = 'ann@contoso.onmicrosoft.com';

interface BatchResponse {
  responses: { id: string; status: number; headers: Record<string, string>; body?: { error?: { code: string; message: string } } & Record<string, unknown> }[];
}

describe('JSON batching', () => {
  let emulator: Emulator;
  let graph: Client;
  beforeAll(async () => {
    emulator = await startEmulator();
    graph = graphFor(emulator);
  });
  afterAll(async () => {
    await emulator.close();
  });

  const batch = (requests: unknown[]) => graph.api('/$batch').post({ requests }) as Promise<BatchResponse>;
  const byId = (response: BatchResponse, id: string) => response.responses.find((entry) => entry.id === id);

  it('answers each entry on its own inside an outer 200', async () => {
    const response = await batch([
      { id: '1', method: 'GET', url: `/users/${ANN}/mailFolders/inbox` },
      { id: '2', method: 'POST', url: `/users/${ANN}/mailFolders`, headers: { 'Content-Type': 'application/json' }, body: { displayName: 'Batched' } },
      { id: '3', method: 'GET', url: '/users/nobody@contoso.onmicrosoft.com/mailFolders' },
      { id: '4', method: 'GET', url: `/v1.0/users/${ANN}/mailFolders` },
    ]);
    expect(byId(response, '1')).toMatchObject({ status: 200, body: { displayName: 'Inbox' } });
    expect(byId(response, '2')).toMatchObject({ status: 201, body: { displayName: 'Batched' } });
    expect(byId(response, '3')).toMatchObject({ status: 404, body: { error: { code: 'ErrorInvalidUser' } } });
    expect(byId(response, '4')?.body?.error?.message).toBe("Resource not found for the segment 'v1.0'.");
    expect(emulator.inspect.folders(ANN).children.map((folder) => folder.displayName)).toContain('Batched');
  });

  it('refuses duplicate ids, more than 20 entries, and writes without Content-Type', async () => {
    const get = { method: 'GET', url: `/users/${ANN}/mailFolders` };
    expect(await failure(batch([{ id: '1', ...get }, { id: '1', ...get }]))).toMatchObject({ statusCode: 400 });
    expect(await failure(batch(Array.from({ length: 21 }, (_, index) => ({ id: String(index), ...get }))))).toMatchObject({ statusCode: 400 });
    expect(await failure(batch([{ id: '1', method: 'POST', url: `/users/${ANN}/mailFolders`, body: { displayName: 'x' } }]))).toMatchObject({
      statusCode: 400,
      message: "Write request with id '1' does not contain a Content-Type header.",
    });
  });

  it('cascades a failed prerequisite to its dependants as 424', async () => {
    const response = await batch([
      { id: 'a', method: 'GET', url: `/users/${ANN}/mailFolders/AAMkmissing` },
      { id: 'b', method: 'GET', url: `/users/${ANN}/mailFolders/inbox`, dependsOn: ['a'] },
    ]);
    expect(byId(response, 'a')?.status).toBe(404);
    expect(byId(response, 'b')?.status).toBe(424);
  });

  it('throttles entries individually, with their own Retry-After', async () => {
    emulator.configure({ limits: { concurrency: 2 } });
    try {
      const response = await batch(Array.from({ length: 4 }, (_, index) => ({ id: String(index), method: 'GET', url: `/users/${ANN}/mailFolders` })));
      const throttled = response.responses.filter((entry) => entry.status === 429);
      expect(throttled).toHaveLength(2);
      expect(throttled[0]?.headers['Retry-After']).toBe('1');
      expect(throttled[0]?.body?.error?.code).toBe('ApplicationThrottled');
    } finally {
      emulator.configure({ limits: { concurrency: 4 } });
    }
  });
});
