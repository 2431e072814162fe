import type { Client } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base64Mime, graphFor } from './clients.js';
import { startEmulator, type Emulator } from './index.js';

const ANN = 'ann@contoso.onmicrosoft.com';

interface DeltaPage {
  value: ({ id: string; subject?: string; '@removed'?: { reason: string } } & Record<string, unknown>)[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

async function round(graph: Client, first: DeltaPage): Promise<{ items: DeltaPage['value']; pages: number; deltaLink: string }> {
  const items = [...first.value];
  let pages = 1;
  let page = first;
  while (page['@odata.nextLink']) {
    page = (await graph.api(page['@odata.nextLink']).get()) as DeltaPage;
    items.push(...page.value);
    pages += 1;
  }
  const deltaLink = page['@odata.deltaLink'];
  if (!deltaLink) throw new Error('round ended without a deltaLink');
  return { items, pages, deltaLink };
}

describe('message delta per folder', () => {
  let emulator: Emulator;
  let graph: Client;
  beforeAll(async () => {
    emulator = await startEmulator();
    graph = graphFor(emulator);
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('syncs in pages, then reports creations, changes and removals since the deltaLink', async () => {
    const folder = (await graph.api(`/users/${ANN}/mailFolders`).post({ displayName: 'Synced' })) as { id: string };
    const created: { id: string }[] = [];
    for (let index = 0; index < 12; index += 1) {
      created.push(
        (await graph
          .api(`/users/${ANN}/mailFolders/${folder.id}/importMime`)
          .version('beta')
          .header('Content-Type', 'text/plain')
          .post(base64Mime([`Subject: d${index}`, '', 'x']))) as { id: string },
      );
    }
    const initial = await round(
      graph,
      (await graph.api(`/users/${ANN}/mailFolders/${folder.id}/messages/delta`).header('Prefer', 'odata.maxpagesize=5').select('subject').get()) as DeltaPage,
    );
    expect(initial.pages).toBe(3);
    expect(initial.items.map((item) => item.subject)).toEqual(Array.from({ length: 12 }, (_, index) => `d${index}`));
    expect(new URL(initial.deltaLink).protocol).toBe('https:');

    await graph.api(`/users/${ANN}/mailFolders/${folder.id}/importMime`).version('beta').header('Content-Type', 'text/plain').post(base64Mime(['Subject: late', '', 'x']));
    await graph.api(`/users/${ANN}/messages/${created[0]?.id ?? ''}/move`).post({ destinationId: 'archive' });
    await graph.api(`/users/${ANN}/messages/${created[1]?.id ?? ''}`).patch({ isRead: false });
    const changes = await round(graph, (await graph.api(initial.deltaLink).get()) as DeltaPage);
    expect(changes.items.filter((item) => item['@removed']).map((item) => item.id)).toEqual([created[0]?.id]);
    expect(changes.items.filter((item) => !item['@removed']).map((item) => item.subject)).toEqual(['late', 'd1']);

    const quiet = await round(graph, (await graph.api(changes.deltaLink).get()) as DeltaPage);
    expect(quiet.items).toEqual([]);
  });
});
