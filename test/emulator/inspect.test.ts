import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RetryHandlerOptions, type Client } from '@microsoft/microsoft-graph-client';
import { base64Mime, graphFor } from './clients.js';
import { startEmulator, type Emulator } from './index.js';

const ANN = 'ann@contoso.onmicrosoft.com';

describe('inspection API', () => {
  let emulator: Emulator;
  let graph: Client;
  beforeAll(async () => {
    emulator = await startEmulator({ mailboxes: ['Ann@contoso.onmicrosoft.com'] });
    graph = graphFor(emulator);
    await graph.api(`/users/${ANN}/mailFolders/inbox/childFolders`).post({ displayName: '2019' });
    await graph
      .api(`/users/${ANN}/mailFolders/inbox/importMime`)
      .version('beta')
      .header('Content-Type', 'text/plain')
      .post(base64Mime(['Subject: inspected', 'Message-ID: <i@x>', '', 'x']));
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('shows mailboxes, the folder tree with paths and counts, and messages with their MIME', () => {
    expect(emulator.inspect.mailboxes()).toEqual([ANN]);
    const inbox = emulator.inspect.folders(ANN).children.find((folder) => folder.wellKnownName === 'inbox');
    expect(inbox).toMatchObject({ path: 'Inbox', totalItemCount: 1, children: [expect.objectContaining({ path: 'Inbox/2019', totalItemCount: 0 })] });
    const [message] = emulator.inspect.messages(ANN, 'inbox');
    expect(message).toMatchObject({ subject: 'inspected', method: 'importMime', isDraft: false, internetMessageId: '<i@x>' });
    expect(message?.mime?.toString()).toContain('Subject: inspected');
    expect(() => emulator.inspect.messages(ANN, 'Inbox/nope')).toThrow(/no folder/);
  });

  it('plants and deletes messages for reconciliation tests, visible through Graph', async () => {
    const planted = await emulator.addMessage(ANN, 'Inbox/2019', {
      subject: 'planted',
      sentDateTime: '2019-05-01T08:00:00Z',
      internetMessageId: '<planted@x>',
    });
    const listed = (await graph.api(`/users/${ANN}/messages`).filter("internetMessageId eq '<planted@x>'").get()) as { value: { id: string; sentDateTime: string }[] };
    expect(listed.value).toEqual([expect.objectContaining({ id: planted.id, sentDateTime: '2019-05-01T08:00:00Z' })]);
    const fromMime = await emulator.addMessage(ANN, 'Inbox/2019', { mime: Buffer.from('Subject: from mime\r\nDate: Tue, 1 Jan 2019 00:00:00 +0000\r\n\r\nx') });
    expect(fromMime).toMatchObject({ subject: 'from mime', sentDateTime: '2019-01-01T00:00:00Z', method: 'importMime' });
    expect(emulator.deleteMessage(ANN, planted.id)).toBe(true);
    const folder = (await graph.api(`/users/${ANN}/mailFolders/${planted.folderId}`).get()) as { totalItemCount: number };
    expect(folder.totalItemCount).toBe(1);
  });

  it('serves the same data over HTTPS under /_emulator, and takes configuration there', async () => {
    const get = async (path: string) => (await fetch(`${emulator.url}/_emulator/${path}`)).json() as Promise<unknown>;
    expect(await get('mailboxes')).toEqual([ANN]);
    const messages = (await get(`mailboxes/${ANN}/messages?folderPath=Inbox`)) as { subject: string; mimeBase64: string }[];
    expect(messages.map((message) => message.subject)).toEqual(['inspected']);
    expect(Buffer.from(messages[0]?.mimeBase64 ?? '', 'base64').toString()).toContain('Message-ID: <i@x>');
    expect(((await get(`mailboxes/${ANN}/folders`)) as { displayName: string }).displayName).toBe('Top of Information Store');
    expect(await get('request-counts')).toMatchObject({ 200: expect.any(Number), 201: 2 });
    const configured = await fetch(`${emulator.url}/_emulator/configure`, {
      method: 'POST',
      body: JSON.stringify({ faults: { schedule: [{ kind: '503', nth: 1 }] } }),
    });
    expect(configured.status).toBe(200);
    await expect(graph.api(`/users/${ANN}/mailFolders`).middlewareOptions([new RetryHandlerOptions(0, 0)]).get()).rejects.toMatchObject({ statusCode: 503 });
    expect(((await get('faults')) as { kind: string }[]).map((fault) => fault.kind)).toEqual(['503']);
  });
});
