import { FileUpload, LargeFileUploadTask, type Client } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphFor, failure } from './clients.js';
import { startEmulator, type Emulator } from './index.js';

const ANN = 'ann@contoso.onmicrosoft.com';
const MiB = 1024 * 1024;

function bytes(size: number): Buffer {
  return Buffer.alloc(size, 'abcdefghijklmnopqrstuvwxyz');
}

describe('attachments', () => {
  let emulator: Emulator;
  let graph: Client;
  let messageId: string;
  beforeAll(async () => {
    emulator = await startEmulator();
    graph = graphFor(emulator);
    const message = (await graph
      .api(`/users/${ANN}/mailFolders/inbox/messages`)
      .post({ subject: 'with files', singleValueExtendedProperties: [{ id: 'Integer 0x0E07', value: '1' }] })) as { id: string };
    messageId = message.id;
  });
  afterAll(async () => {
    await emulator.close();
  });

  const sessionFor = (size: number) =>
    LargeFileUploadTask.createUploadSession(graph, `${emulator.url}/v1.0/users/${ANN}/messages/${messageId}/attachments/createUploadSession`, {
      AttachmentItem: { attachmentType: 'file', name: 'big.bin', size },
    });

  it('adds a small fileAttachment by POST', async () => {
    const created = (await graph.api(`/users/${ANN}/messages/${messageId}/attachments`).post({
      '@odata.type': '#microsoft.graph.fileAttachment',
      name: 'note.txt',
      contentType: 'text/plain',
      contentBytes: Buffer.from('hello').toString('base64'),
    })) as { id: string; size: number };
    expect(created.size).toBe(5);
    const message = (await graph.api(`/users/${ANN}/messages/${messageId}`).select('hasAttachments').get()) as { hasAttachments: boolean };
    expect(message.hasAttachments).toBe(true);
    expect(emulator.inspect.messages(ANN, 'Inbox')[0]?.attachments).toContainEqual(expect.objectContaining({ name: 'note.txt', size: 5 }));
  });

  it('refuses an attachment POST of 3 MB or more with 413', async () => {
    const error = await failure(
      graph.api(`/users/${ANN}/messages/${messageId}/attachments`).post({
        '@odata.type': '#microsoft.graph.fileAttachment',
        name: 'big.bin',
        contentBytes: bytes(3.1 * MiB).toString('base64'),
      }),
    );
    expect(error).toMatchObject({ statusCode: 413 });
  });

  it('uploads a large attachment through an upload session with the SDK task, and answers 201 with Location', async () => {
    const content = bytes(3.5 * MiB);
    const session = await sessionFor(content.length);
    expect(new URL(session.url).hostname).toBe('localhost');
    const task = new LargeFileUploadTask(graph, new FileUpload(content, 'big.bin', content.length), session, { rangeSize: MiB });
    const result = await task.upload();
    expect(result.location).toMatch(/\/attachments\('AAMk/);
    const stored = emulator.inspect.messages(ANN, 'Inbox')[0]?.attachments.find((attachment) => attachment.name === 'big.bin');
    expect(stored?.size).toBe(content.length);
  });

  it('refuses out-of-order ranges with 416, and an Authorization header on the upload URL', async () => {
    const session = await sessionFor(4 * MiB);
    const put = (start: number, end: number, headers: Record<string, string> = {}) =>
      fetch(session.url, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': `bytes ${start}-${end}/${4 * MiB}`, ...headers },
        body: bytes(end - start + 1),
      });
    expect((await put(MiB, 2 * MiB - 1)).status).toBe(416);
    expect((await put(0, MiB - 1, { Authorization: 'Bearer x' })).status).toBe(401);
    const first = await put(0, MiB - 1);
    expect(first.status).toBe(200);
    expect(((await first.json()) as { nextExpectedRanges: string[] }).nextExpectedRanges).toEqual([`${MiB}-`]);
  });

  it('refuses an upload session for less than 2 MiB', async () => {
    const error = await failure(sessionFor(1000));
    expect(error).toMatchObject({ statusCode: 400, code: 'ErrorAttachmentSizeShouldNotBeLessThanMinimumSize' });
  });
});
