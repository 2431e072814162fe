import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@microsoft/microsoft-graph-client';
import { base64Mime, graphFor, failure } from './clients.js';
import { startEmulator, type Emulator } from './index.js';

const ANN = 'ann@contoso.onmicrosoft.com';

interface Folder {
  id: string;
  displayName: string;
  totalItemCount: number;
  isHidden: boolean;
  childFolderCount: number;
  wellKnownName?: string | null;
}
interface Page<T> {
  value: T[];
  '@odata.nextLink'?: string;
}

async function allPages<T>(graph: Client, first: Page<T>): Promise<T[]> {
  const items = [...first.value];
  let next = first['@odata.nextLink'];
  while (next) {
    const page = (await graph.api(next).get()) as Page<T>;
    items.push(...page.value);
    next = page['@odata.nextLink'];
  }
  return items;
}

describe('mail folders', () => {
  let emulator: Emulator;
  let graph: Client;
  beforeAll(async () => {
    emulator = await startEmulator();
    graph = graphFor(emulator);
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('lists top-level folders without hidden ones unless includeHiddenFolders=true', async () => {
    const visible = await allPages<Folder>(graph, await graph.api(`/users/${ANN}/mailFolders`).get());
    const names = visible.map((folder) => folder.displayName);
    expect(names).toEqual(expect.arrayContaining(['Inbox', 'Drafts', 'Sent Items', 'Deleted Items', 'Archive', 'Junk Email', 'Outbox']));
    expect(names).not.toContain('Sync Issues');
    const all = await allPages<Folder>(graph, await graph.api(`/users/${ANN}/mailFolders`).query({ includeHiddenFolders: 'true' }).get());
    expect(all.find((folder) => folder.displayName === 'Sync Issues')?.isHidden).toBe(true);
  });

  it('pages with $top and absolute https nextLinks, whatever the parameter order', async () => {
    const first = (await graph.api(`/users/${ANN}/mailFolders`).query({ includeHiddenFolders: 'true', $top: '3' }).get()) as Page<Folder>;
    expect(first.value).toHaveLength(3);
    expect(first['@odata.nextLink']).toMatch(new RegExp(`^${emulator.url.replace(/\./g, '\\.')}/v1\\.0/users/`));
    const all = await allPages(graph, first);
    const direct = (await graph.api(`/users/${ANN}/mailFolders?$top=100&includeHiddenFolders=true`).get()) as Page<Folder>;
    expect(all.map((folder) => folder.id)).toEqual(direct.value.map((folder) => folder.id));
  });

  it('rejects $top outside 1..1000 with 400', async () => {
    for (const top of ['0', '1001', 'x']) {
      const error = await failure(graph.api(`/users/${ANN}/mailFolders`).query({ $top: top }).get());
      expect(error).toMatchObject({ statusCode: 400 });
    }
  });

  it('accepts well-known names wherever an id goes, and tells malformed ids from missing ones', async () => {
    const inbox = (await graph.api(`/users/${ANN}/mailFolders/inbox`).get()) as Folder;
    const byId = (await graph.api(`/users/${ANN}/mailFolders/${inbox.id}`).get()) as Folder;
    expect(byId.displayName).toBe('Inbox');
    const root = (await graph.api(`/users/${ANN}/mailFolders/msgfolderroot`).get()) as Folder;
    expect(inbox).toMatchObject({ parentFolderId: root.id });
    expect(await failure(graph.api(`/users/${ANN}/mailFolders/not-an-id`).get())).toMatchObject({ statusCode: 400, code: 'ErrorInvalidIdMalformed' });
    expect(await failure(graph.api(`/users/${ANN}/mailFolders/AAMkAAAAAAAAAA`).get())).toMatchObject({ statusCode: 404, code: 'ErrorItemNotFound' });
    const beta = (await graph.api(`/users/${ANN}/mailFolders/SentItems`).version('beta').get()) as Folder;
    expect(beta.wellKnownName).toBe('sentitems');
  });

  it('creates child folders, and refuses a case-insensitive duplicate with ErrorFolderExists (409)', async () => {
    const created = (await graph.api(`/users/${ANN}/mailFolders/inbox/childFolders`).post({ displayName: '2019' })) as Folder;
    expect(created).toMatchObject({ displayName: '2019', totalItemCount: 0, isHidden: false });
    const nested = (await graph.api(`/users/${ANN}/mailFolders/${created.id}/childFolders`).post({ displayName: 'Q1' })) as Folder;
    const children = (await graph.api(`/users/${ANN}/mailFolders/${created.id}/childFolders`).get()) as Page<Folder>;
    expect(children.value.map((folder) => folder.id)).toEqual([nested.id]);
    const error = await failure(graph.api(`/users/${ANN}/mailFolders/inbox/childFolders`).post({ displayName: '2019' }));
    expect(error).toMatchObject({ statusCode: 409, code: 'ErrorFolderExists' });
    const caseOnly = await failure(graph.api(`/users/${ANN}/mailFolders/${created.id}/childFolders`).post({ displayName: 'q1' }));
    expect(caseOnly).toMatchObject({ code: 'ErrorFolderExists' });
    expect(emulator.inspect.folders(ANN).children.find((folder) => folder.displayName === 'Inbox')?.children.map((folder) => folder.path)).toEqual(['Inbox/2019']);
  });

  it('uses the configured status for ErrorFolderExists, and hidden folders occupy names', async () => {
    emulator.configure({ errorFolderExistsStatus: 400 });
    try {
      await graph.api(`/users/${ANN}/mailFolders`).post({ displayName: 'Secret', isHidden: true });
      const visible = (await graph.api(`/users/${ANN}/mailFolders?$top=100`).get()) as Page<Folder>;
      expect(visible.value.map((folder) => folder.displayName)).not.toContain('Secret');
      const error = await failure(graph.api(`/users/${ANN}/mailFolders`).post({ displayName: 'secret' }));
      expect(error).toMatchObject({ statusCode: 400, code: 'ErrorFolderExists' });
    } finally {
      emulator.configure({ errorFolderExistsStatus: 409 });
    }
  });

  it('keeps totalItemCount right through imports, moves and deletes', async () => {
    const folder = (await graph.api(`/users/${ANN}/mailFolders`).post({ displayName: 'Counted' })) as Folder;
    const imported = (await graph
      .api(`/users/${ANN}/mailFolders/${folder.id}/importMime`)
      .version('beta')
      .header('Content-Type', 'text/plain')
      .post(base64Mime(['Subject: one', '', 'body']))) as { id: string };
    await graph.api(`/users/${ANN}/mailFolders/${folder.id}/importMime`).version('beta').header('Content-Type', 'text/plain').post(base64Mime(['Subject: two', '', 'body']));
    const count = async (id: string) => ((await graph.api(`/users/${ANN}/mailFolders/${id}`).get()) as Folder).totalItemCount;
    expect(await count(folder.id)).toBe(2);
    await graph.api(`/users/${ANN}/messages/${imported.id}/move`).post({ destinationId: 'archive' });
    expect(await count(folder.id)).toBe(1);
    expect(await count('archive')).toBe(1);
    const [remaining] = emulator.inspect.messages(ANN, 'Counted');
    await graph.api(`/users/${ANN}/messages/${remaining?.id ?? ''}`).delete();
    expect(await count(folder.id)).toBe(0);
    expect(await count('deleteditems')).toBe(1);
  });
});
