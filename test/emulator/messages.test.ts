import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PageIterator, type Client, type PageCollection } from '@microsoft/microsoft-graph-client';
import { base64Mime, graphFor, failure } from './clients.js';
import { startEmulator, type Emulator } from './index.js';

const ANN = 'ann@contoso.onmicrosoft.com';
const FINGERPRINT = 'String {8a1d1f4c-5e0b-4f4e-9d53-0c2bd9b5b6a1} Name ImportFingerprint';

interface Message {
  id: string;
  subject: string;
  isDraft: boolean;
  isRead: boolean;
  parentFolderId: string;
  sentDateTime: string;
  receivedDateTime: string;
  createdDateTime: string;
  internetMessageId: string | null;
  from: { emailAddress: { name: string; address: string } } | null;
  singleValueExtendedProperties?: { id: string; value: string }[];
}
interface Page<T> {
  value: T[];
  '@odata.nextLink'?: string;
  '@odata.count'?: number;
}

function jsonMessage(subject: string, fingerprint: string, extra: Record<string, unknown> = {}) {
  return {
    subject,
    body: { contentType: 'text', content: 'hello' },
    from: { emailAddress: { name: 'Carol', address: 'carol@example.com' } },
    toRecipients: [{ emailAddress: { address: 'ann@contoso.onmicrosoft.com' } }],
    internetMessageId: `<${fingerprint}@example.com>`,
    singleValueExtendedProperties: [
      { id: 'Integer 0x0E07', value: '1' },
      { id: 'SystemTime 0x0E06', value: '2024-03-04T10:05:00Z' },
      { id: 'SystemTime 0x0039', value: '2024-03-04T10:00:00Z' },
      { id: FINGERPRINT, value: fingerprint },
    ],
    ...extra,
  };
}

describe('messages', () => {
  let emulator: Emulator;
  let graph: Client;
  beforeAll(async () => {
    emulator = await startEmulator();
    graph = graphFor(emulator);
  });
  afterAll(async () => {
    await emulator.close();
  });

  const importMime = (folder: string, body: string) =>
    graph.api(`/users/${ANN}/mailFolders/${folder}/importMime`).version('beta').header('Content-Type', 'text/plain').post(body) as Promise<Message>;

  it('importMime makes a non-draft with Exchange-style subject, sentDateTime and Message-ID', async () => {
    const before = Date.now() - 2000;
    const message = await importMime(
      'inbox',
      base64Mime([
        'From: =?utf-8?q?Ren=C3=A9?= <rene@example.com>',
        'Subject: =?iso-8859-1?q?Caf=E9?= and =?utf-8?b?8J+Ygg==?=',
        'Date: Mon, 4 Mar 2024 11:00:00 +0100',
        'Message-ID: <abc@example.com>',
        '',
        'body',
      ]),
    );
    expect(message).toMatchObject({ isDraft: false, subject: 'Café and 😂', sentDateTime: '2024-03-04T10:00:00Z', internetMessageId: '<abc@example.com>' });
    expect(message.from?.emailAddress).toEqual({ name: 'René', address: 'rene@example.com' });
    expect(Date.parse(message.receivedDateTime)).toBeGreaterThanOrEqual(before);
    const [stored] = emulator.inspect.messages(ANN, 'Inbox');
    expect(stored).toMatchObject({ method: 'importMime', isDraft: false, folderPath: 'Inbox' });
    expect(stored?.mime?.toString('utf8')).toContain('Message-ID: <abc@example.com>');
  });

  it('decodes raw 8-bit subjects as UTF-8 when valid, else windows-1252', async () => {
    const latin1 = Buffer.concat([Buffer.from('Subject: Caf'), Buffer.from([0xe9]), Buffer.from(' d'), Buffer.from([0xe9, 0x6a, 0xe0]), Buffer.from(' vu \x93q\x94\r\n\r\nbody', 'latin1')]);
    const utf8 = Buffer.from('Subject: Café déjà vu\r\n\r\nbody', 'utf8');
    expect((await importMime('inbox', latin1.toString('base64'))).subject).toBe('Café déjà vu “q”');
    expect((await importMime('inbox', utf8.toString('base64'))).subject).toBe('Café déjà vu');
  });

  it('rejects bad base64 with ErrorMimeContentInvalidBase64String and non-MIME with 400', async () => {
    expect(await failure(importMime('inbox', 'not base64!!'))).toMatchObject({
      statusCode: 400,
      code: 'ErrorMimeContentInvalidBase64String',
      message: 'Invalid base64 string for MIME content.',
    });
    expect(await failure(importMime('inbox', Buffer.from('just text without headers').toString('base64')))).toMatchObject({ statusCode: 400 });
  });

  it('takes base64 with line breaks or unused trailing bits, not the URL-safe alphabet Node would decode too', async () => {
    const mime = Buffer.from('Subject: ~~~>>>???\r\n\r\nbody?', 'latin1');
    const plain = mime.toString('base64');
    expect(plain).toMatch(/[+/]/);
    expect((await importMime('inbox', plain.replace(/(.{8})/g, '$1\r\n'))).subject).toBe('~~~>>>???');
    // 'Pz' decodes as '?' (0x3f) with two bits over, which a strict encoder writes as 'Pw': accepted as before.
    const loose = Buffer.from('Subject: xy\r\n\r\n?').toString('base64').replace(/Pw==$/, 'Pz==');
    expect(loose).toMatch(/Pz==$/);
    expect((await importMime('inbox', loose)).subject).toBe('xy');
    expect(await failure(importMime('inbox', plain.replace(/\+/g, '-').replace(/\//g, '_')))).toMatchObject({ statusCode: 400, code: 'ErrorMimeContentInvalidBase64String' });
  });

  it('answers a body over 4 MB with 413', async () => {
    const big = 'A'.repeat(4 * 1024 * 1024 + 4);
    expect(await failure(importMime('inbox', big))).toMatchObject({ statusCode: 413 });
  });

  it('MIME on /messages makes a draft in Drafts; on /mailFolders/{id}/messages it fails like production', async () => {
    const mime = base64Mime(['Subject: draft me', 'Date: Tue, 5 Mar 2024 09:00:00 +0000', '', 'x']);
    const draft = (await graph.api(`/users/${ANN}/messages`).header('Content-Type', 'text/plain').post(mime)) as Message;
    const drafts = (await graph.api(`/users/${ANN}/mailFolders/drafts`).get()) as { id: string };
    expect(draft).toMatchObject({ isDraft: true, parentFolderId: drafts.id, sentDateTime: '2024-03-05T09:00:00Z' });
    expect(draft.receivedDateTime).toBe(draft.createdDateTime);
    expect(emulator.inspect.messages(ANN, 'Drafts').map((message) => message.method)).toEqual(['mimeDraft']);
    const error = await failure(graph.api(`/users/${ANN}/mailFolders/inbox/messages`).header('Content-Type', 'text/plain').post(mime));
    expect(error).toMatchObject({ statusCode: 400, code: 'UnableToDeserializePostBody' });
    const moved = (await graph.api(`/users/${ANN}/messages/${draft.id}/move`).post({ destinationId: 'sentitems' })) as Message;
    expect(moved.id).not.toBe(draft.id);
    expect(moved.isDraft).toBe(true);
    expect(await failure(graph.api(`/users/${ANN}/messages/${draft.id}`).get())).toMatchObject({ statusCode: 404, code: 'ErrorItemNotFound' });
  });

  it('JSON create honours PR_MESSAGE_FLAGS and the two SystemTime properties', async () => {
    const created = (await graph.api(`/users/${ANN}/mailFolders/archive/messages`).post(jsonMessage('json one', 'fp-1'))) as Message;
    expect(created).toMatchObject({
      isDraft: false,
      isRead: true,
      receivedDateTime: '2024-03-04T10:05:00Z',
      sentDateTime: '2024-03-04T10:00:00Z',
      internetMessageId: '<fp-1@example.com>',
    });
    const unread = (await graph
      .api(`/users/${ANN}/mailFolders/archive/messages`)
      .post({ ...jsonMessage('json two', 'fp-2'), singleValueExtendedProperties: [{ id: 'Integer 0x0E07', value: '0' }] })) as Message;
    expect(unread).toMatchObject({ isDraft: false, isRead: false });
    const draft = (await graph.api(`/users/${ANN}/mailFolders/archive/messages`).post({ subject: 'no flags' })) as Message;
    expect(draft.isDraft).toBe(true);
    const flaggedDraft = (await graph
      .api(`/users/${ANN}/mailFolders/archive/messages`)
      .post({ subject: 'unsent', singleValueExtendedProperties: [{ id: 'Integer 0x0E07', value: '9' }] })) as Message;
    expect(flaggedDraft.isDraft).toBe(true);
    expect(emulator.inspect.messages(ANN, 'Archive').find((message) => message.subject === 'json one')?.extendedProperties).toContainEqual({ id: FINGERPRINT, value: 'fp-1' });
  });

  it('finds messages by named extended property with Any(), and expands it', async () => {
    await graph.api(`/users/${ANN}/mailFolders/junkemail/messages`).post(jsonMessage("It's here", 'fp-3'));
    const filter = `singleValueExtendedProperties/Any(ep: ep/id eq '${FINGERPRINT}' and ep/value eq 'fp-3')`;
    const page = (await graph
      .api(`/users/${ANN}/mailFolders/junkemail/messages`)
      .filter(filter)
      .expand(`singleValueExtendedProperties($filter=id eq '${FINGERPRINT}')`)
      .select('id,subject')
      .get()) as Page<Message>;
    expect(page.value).toHaveLength(1);
    expect(page.value[0]?.singleValueExtendedProperties).toEqual([{ id: FINGERPRINT, value: 'fp-3' }]);
    expect(Object.keys(page.value[0] ?? {}).sort()).toEqual(['@odata.etag', 'id', 'singleValueExtendedProperties', 'subject']);
    const none = (await graph.api(`/users/${ANN}/messages`).filter(filter.replace("'fp-3'", "'fp-none'")).get()) as Page<Message>;
    expect(none.value).toHaveLength(0);
  });

  it('filters on internetMessageId, subject with quote escaping, and date ranges joined with and', async () => {
    const byId = (await graph.api(`/users/${ANN}/messages`).filter("internetMessageId eq '<fp-3@example.com>'").get()) as Page<Message>;
    expect(byId.value.map((message) => message.subject)).toEqual(["It's here"]);
    const bySubject = (await graph.api(`/users/${ANN}/messages`).filter("subject eq 'It''s here'").get()) as Page<Message>;
    expect(bySubject.value).toHaveLength(1);
    const range = (await graph
      .api(`/users/${ANN}/mailFolders/archive/messages`)
      .filter('receivedDateTime ge 2024-03-04T10:05:00Z and receivedDateTime le 2024-03-04T10:05:00Z and sentDateTime eq 2024-03-04T10:00:00Z')
      .get()) as Page<Message>;
    // 'json two' carried no SystemTime properties, so it was stamped with the creation time.
    expect(range.value.map((message) => message.subject)).toEqual(['json one']);
  });

  it('refuses filters it does not support, unknown $select properties and bad $top', async () => {
    expect(await failure(graph.api(`/users/${ANN}/messages`).filter("contains(subject, 'x')").get())).toMatchObject({ statusCode: 400, code: 'ErrorInvalidUrlQueryFilter' });
    expect(await failure(graph.api(`/users/${ANN}/messages`).filter("subject eq 'x' or subject eq 'y'").get())).toMatchObject({ statusCode: 400, code: 'ErrorInvalidUrlQueryFilter' });
    expect(await failure(graph.api(`/users/${ANN}/messages`).select('nope').get())).toMatchObject({ statusCode: 400 });
    expect(await failure(graph.api(`/users/${ANN}/messages`).top(1001).get())).toMatchObject({ statusCode: 400 });
    expect(await failure(graph.api(`/users/${ANN}/messages`).search('"to:ann"').get())).toMatchObject({ statusCode: 400 });
  });

  it('pages listings with nextLink, counts with $count=true and /$count', async () => {
    const folder = (await graph.api(`/users/${ANN}/mailFolders`).post({ displayName: 'Paged' })) as { id: string };
    for (let index = 0; index < 25; index += 1) {
      await importMime(folder.id, base64Mime([`Subject: paged ${index}`, `Message-ID: <p${index}@x>`, '', 'x']));
    }
    const first = (await graph.api(`/users/${ANN}/mailFolders/${folder.id}/messages`).count(true).select('id,internetMessageId').get()) as Page<Message>;
    expect(first['@odata.count']).toBe(25);
    expect(first.value).toHaveLength(10);
    const seen = [...first.value];
    let next = first['@odata.nextLink'];
    while (next) {
      const page = (await graph.api(next).get()) as Page<Message>;
      seen.push(...page.value);
      next = page['@odata.nextLink'];
    }
    expect(new Set(seen.map((message) => message.internetMessageId)).size).toBe(25);
    const iterated: Message[] = [];
    const iterator = new PageIterator(graph, (await graph.api(`/users/${ANN}/mailFolders/${folder.id}/messages`).top(7).get()) as PageCollection, (message: Message) => {
      iterated.push(message);
      return true;
    });
    await iterator.iterate();
    expect(iterated).toHaveLength(25);
    const text = (await graph.api(`/users/${ANN}/mailFolders/${folder.id}/messages/$count`).get()) as unknown;
    expect(String(text)).toBe('25');
  });
});

describe('messages: $orderby with $filter', () => {
  it('wants the $orderby property to lead the $filter (InefficientFilter otherwise)', async () => {
    const emulator = await startEmulator();
    try {
      const graph = graphFor(emulator);
      await emulator.addMessage(ANN, 'Inbox', { subject: 'a', receivedDateTime: '2020-01-01T00:00:00Z' });
      await emulator.addMessage(ANN, 'Inbox', { subject: 'b', receivedDateTime: '2021-01-01T00:00:00Z' });
      const ordered = (await graph
        .api(`/users/${ANN}/mailFolders/inbox/messages`)
        .filter('receivedDateTime ge 2019-01-01T00:00:00Z and subject eq \'a\'')
        .orderby('receivedDateTime asc')
        .get()) as Page<Message>;
      expect(ordered.value.map((message) => message.subject)).toEqual(['a']);
      const all = (await graph.api(`/users/${ANN}/mailFolders/inbox/messages`).orderby('receivedDateTime asc').get()) as Page<Message>;
      expect(all.value.map((message) => message.subject)).toEqual(['a', 'b']);
      expect(
        await failure(graph.api(`/users/${ANN}/mailFolders/inbox/messages`).filter("subject eq 'a'").orderby('receivedDateTime desc').get()),
      ).toMatchObject({ statusCode: 400, code: 'InefficientFilter' });
    } finally {
      await emulator.close();
    }
  });
});

describe('messages: single-item endpoints', () => {
  it('gets, patches, reads $value, lists attachments and deletes for good from Deleted Items', async () => {
    const emulator = await startEmulator();
    try {
      const graph = graphFor(emulator);
      const mime = 'Subject: single\r\nMessage-ID: <s@x>\r\n\r\nbody';
      const draft = (await graph.api(`/users/${ANN}/messages`).header('Content-Type', 'text/plain').post(Buffer.from(mime).toString('base64'))) as Message;
      const patched = (await graph
        .api(`/users/${ANN}/messages/${draft.id}`)
        .patch({ isRead: false, singleValueExtendedProperties: [{ id: FINGERPRINT, value: 'patched' }] })) as Message;
      expect(patched.isRead).toBe(false);
      const fetched = (await graph.api(`/users/${ANN}/mailFolders/drafts/messages/${draft.id}`).expand(`singleValueExtendedProperties($filter=id eq '${FINGERPRINT}')`).get()) as Message;
      expect(fetched.singleValueExtendedProperties).toEqual([{ id: FINGERPRINT, value: 'patched' }]);
      expect(await failure(graph.api(`/users/${ANN}/mailFolders/inbox/messages/${draft.id}`).get())).toMatchObject({ statusCode: 404 });
      const value = (await graph.api(`/users/${ANN}/messages/${draft.id}/$value`).get()) as unknown;
      expect(String(value)).toBe(mime);
      const attachments = (await graph.api(`/users/${ANN}/messages/${draft.id}/attachments`).get()) as Page<unknown>;
      expect(attachments.value).toEqual([]);
      await graph.api(`/users/${ANN}/messages/${draft.id}`).delete();
      const [inTrash] = emulator.inspect.messages(ANN, 'Deleted Items');
      expect(inTrash?.subject).toBe('single');
      await graph.api(`/users/${ANN}/messages/${inTrash?.id ?? ''}`).delete();
      expect(emulator.inspect.messages(ANN)).toHaveLength(0);
    } finally {
      await emulator.close();
    }
  });
});
