import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@microsoft/microsoft-graph-client';
import { base64Mime, graphFor, graphWithToken, msalFor, tokenFor, failure } from './clients.js';
import { startEmulator, type Emulator } from './index.js';

const ANN = 'ann@contoso.onmicrosoft.com';
const READER_ID = '22222222-3333-4444-8555-666666666666';
const WRITER_ID = '33333333-4444-4555-8666-777777777777';

describe('Graph authentication, authorisation and error shape', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({
      clients: {
        [READER_ID]: { secret: 'reader-secret', roles: ['Mail.ReadBasic.All'] },
        [WRITER_ID]: { secret: 'writer-secret', roles: ['Mail.ReadWrite'] },
      },
    });
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('refuses a missing bearer with 401 InvalidAuthenticationToken in Graph\'s error shape', async () => {
    const response = await fetch(`${emulator.url}/v1.0/users/${ANN}/mailFolders`, { headers: { 'client-request-id': 'my-id' } });
    const body = (await response.json()) as { error: { code: string; message: string; innerError: Record<string, string> } };
    expect(response.status).toBe(401);
    expect(body.error.code).toBe('InvalidAuthenticationToken');
    expect(body.error.innerError['client-request-id']).toBe('my-id');
    expect(body.error.innerError['request-id']).toBe(response.headers.get('request-id'));
    expect(response.headers.get('client-request-id')).toBe('my-id');
    expect(body.error.innerError['date']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  });

  it('works with Client.initWithMiddleware and an authentication provider object', async () => {
    const app = msalFor(emulator, { clientSecret: 'writer-secret' }, WRITER_ID);
    const graph = Client.initWithMiddleware({
      baseUrl: emulator.url,
      customHosts: new Set(['127.0.0.1']),
      authProvider: { getAccessToken: () => tokenFor(app, false) },
    });
    const inbox = (await graph.api(`/users/${ANN}/mailFolders/inbox`).get()) as { displayName: string };
    expect(inbox.displayName).toBe('Inbox');
  });

  it('refuses a forged token with 401 and maps into GraphError fields', async () => {
    const error = await failure(graphWithToken(emulator, 'eyJhbGciOiJIUzI1NiJ9.eyJhcHBpZCI6IngifQ.c2ln').api(`/users/${ANN}/mailFolders`).get());
    expect(error).toMatchObject({ statusCode: 401, code: 'InvalidAuthenticationToken' });
    expect(error['requestId']).toEqual(expect.any(String));
  });

  it('lets a Mail.ReadBasic.All app read but not write (403 ErrorAccessDenied)', async () => {
    const graph = graphFor(emulator, msalFor(emulator, { clientSecret: 'reader-secret' }, READER_ID));
    const folders = (await graph.api(`/users/${ANN}/mailFolders`).get()) as { value: unknown[] };
    expect(folders.value.length).toBeGreaterThan(0);
    const error = await failure(graph.api(`/users/${ANN}/mailFolders/inbox/childFolders`).post({ displayName: 'x' }));
    expect(error).toMatchObject({ statusCode: 403, code: 'ErrorAccessDenied', message: 'Access is denied. Check credentials and try again.' });
  });

  it('requires Mail-Advanced.ReadWrite.All for importMime, even with Mail.ReadWrite', async () => {
    const graph = graphFor(emulator, msalFor(emulator, { clientSecret: 'writer-secret' }, WRITER_ID));
    const error = await failure(
      graph.api(`/users/${ANN}/mailFolders/inbox/importMime`).version('beta').header('Content-Type', 'text/plain').post(base64Mime(['Subject: a', '', 'b'])),
    );
    expect(error).toMatchObject({ statusCode: 403, code: 'ErrorAccessDenied' });
  });

  it('applies permission changes made at runtime to new tokens', async () => {
    emulator.configure({
      clients: {
        [READER_ID]: { secret: 'reader-secret', roles: ['Mail.ReadWrite'] },
        [WRITER_ID]: { secret: 'writer-secret', roles: ['Mail.ReadWrite'] },
      },
    });
    const graph = graphFor(emulator, msalFor(emulator, { clientSecret: 'reader-secret' }, READER_ID));
    const created = (await graph.api(`/users/${ANN}/mailFolders/inbox/childFolders`).post({ displayName: 'granted' })) as { displayName: string };
    expect(created.displayName).toBe('granted');
  });

  it('answers an unknown mailbox with 404 ErrorInvalidUser', async () => {
    const graph = graphFor(emulator, msalFor(emulator, { clientSecret: 'writer-secret' }, WRITER_ID));
    const error = await failure(graph.api('/users/nobody@contoso.onmicrosoft.com/mailFolders').get());
    expect(error).toMatchObject({ statusCode: 404, code: 'ErrorInvalidUser', message: "The requested user 'nobody@contoso.onmicrosoft.com' is invalid." });
  });

  it('answers /me with an app-only token with 400', async () => {
    const graph = graphFor(emulator, msalFor(emulator, { clientSecret: 'writer-secret' }, WRITER_ID));
    const error = await failure(graph.api('/me/mailFolders').get());
    expect(error).toMatchObject({ statusCode: 400, code: 'BadRequest' });
  });

  it('has no importMime on v1.0: the segment is unknown there', async () => {
    const graph = graphFor(emulator, msalFor(emulator, { clientSecret: 'writer-secret' }, WRITER_ID));
    const error = await failure(
      graph.api(`/users/${ANN}/mailFolders/inbox/importMime`).header('Content-Type', 'text/plain').post(base64Mime(['Subject: a', '', 'b'])),
    );
    expect(error).toMatchObject({ statusCode: 400, code: 'BadRequest', message: "Resource not found for the segment 'importMime'." });
  });
});
