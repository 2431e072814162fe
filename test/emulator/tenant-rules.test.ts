import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { graphFor, failure } from './clients.js';
import { startEmulator, type Emulator } from './index.js';

const ANN = 'ann@contoso.onmicrosoft.com';
const BOB = 'bob@contoso.onmicrosoft.com';

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ archives: [ANN] });
});

afterAll(async () => {
  await emulator.close();
});

function roles(list: string[]): void {
  emulator.configure({ clients: { [emulator.clientId]: { secret: emulator.clientSecret, roles: list } } });
}

beforeEach(() => {
  roles(['Mail.ReadWrite', 'Mail-Advanced.ReadWrite.All', 'User.Read.All']);
  emulator.configure({ sensitiveRuleFrom: null, now: null, quirks: {} });
});

describe('the sensitive-property rule, switched by date', () => {
  it('lets Mail.ReadWrite change a non-draft subject before the date, wants Mail-Advanced after it, and leaves drafts alone', async () => {
    const message = await emulator.addMessage(ANN, 'Inbox', { subject: 'original', isDraft: false });
    const draft = await emulator.addMessage(ANN, 'Drafts', { subject: 'draft', isDraft: true });
    roles(['Mail.ReadWrite']);
    emulator.configure({ sensitiveRuleFrom: '2026-12-31', now: '2026-12-30T23:00:00Z' });
    const graph = graphFor(emulator);
    await graph.api(`/users/${ANN}/messages/${message.id}`).patch({ subject: 'changed before' });

    emulator.configure({ now: '2026-12-31T00:00:01Z' });
    const refused = await failure(graphFor(emulator).api(`/users/${ANN}/messages/${message.id}`).patch({ subject: 'changed after' }));
    expect(refused).toMatchObject({ statusCode: 403, code: 'ErrorAccessDenied' });
    await graphFor(emulator).api(`/users/${ANN}/messages/${draft.id}`).patch({ subject: 'draft changed' });
    // Read state and categories are not sensitive.
    await graphFor(emulator).api(`/users/${ANN}/messages/${message.id}`).patch({ isRead: false });

    roles(['Mail.ReadWrite', 'Mail-Advanced.ReadWrite.All']);
    await graphFor(emulator).api(`/users/${ANN}/messages/${message.id}`).patch({ subject: 'changed with the permission' });
    expect(emulator.inspect.messages(ANN).find((m) => m.id === message.id)?.subject).toBe('changed with the permission');
  });
});

describe('archives and folder deletion', () => {
  it('names the online archive in settings/exchange (User.Read.All) and reads it by its mailbox id', async () => {
    const graph = graphFor(emulator);
    const settings = (await graph.api(`/users/${ANN}/settings/exchange`).version('beta').get()) as { primaryMailboxId: string; inPlaceArchiveMailboxId?: string };
    expect(settings.inPlaceArchiveMailboxId).toMatch(/^MBX:[0-9a-f]{8}@[0-9a-f]{8}$/);
    const noArchive = (await graph.api(`/users/${BOB}/settings/exchange`).version('beta').get()) as { inPlaceArchiveMailboxId?: string };
    expect(noArchive.inPlaceArchiveMailboxId).toBeUndefined();

    const planted = await emulator.addMessage(ANN, 'Inbox', { subject: 'old', internetMessageId: '<old@x>' });
    emulator.archiveMessage(ANN, planted.id);
    const found = (await graph
      .api(`/users/${settings.inPlaceArchiveMailboxId}/messages`)
      .version('beta')
      .filter("internetMessageId eq '<old@x>'")
      .get()) as { value: { subject: string }[] };
    expect(found.value.map((m) => m.subject)).toEqual(['old']);
    expect(emulator.inspect.messages(ANN).some((m) => m.id === planted.id)).toBe(false);

    roles(['Mail.ReadWrite']);
    expect(await failure(graphFor(emulator).api(`/users/${ANN}/settings/exchange`).version('beta').get())).toMatchObject({ statusCode: 403 });
  });

  it('permanentDelete removes a folder with its contents; where it is unknown, DELETE goes through Deleted Items', async () => {
    const graph = graphFor(emulator);
    const folder = (await graph.api(`/users/${ANN}/mailFolders`).post({ displayName: 'scratch one', isHidden: true })) as { id: string };
    await emulator.addMessage(ANN, 'scratch one', { subject: 'inside' });
    await graph.api(`/users/${ANN}/mailFolders/${folder.id}/permanentDelete`).post(undefined);
    expect(emulator.inspect.messages(ANN).some((m) => m.subject === 'inside')).toBe(false);

    emulator.configure({ quirks: { nationalCloud: true } });
    const second = (await graph.api(`/users/${ANN}/mailFolders`).post({ displayName: 'scratch two' })) as { id: string };
    expect(await failure(graph.api(`/users/${ANN}/mailFolders/${second.id}/permanentDelete`).post(undefined))).toMatchObject({ statusCode: 400 });
    await graph.api(`/users/${ANN}/mailFolders/${second.id}`).delete();
    expect(emulator.inspect.folders(ANN).children.find((f) => f.wellKnownName === 'deleteditems')?.children.map((f) => f.displayName)).toContain('scratch two');
    await graph.api(`/users/${ANN}/mailFolders/${second.id}`).delete();
    const paths: string[] = [];
    const walk = (f: ReturnType<Emulator['inspect']['folders']>): void => {
      paths.push(f.path);
      f.children.forEach(walk);
    };
    walk(emulator.inspect.folders(ANN));
    expect(paths.filter((p) => p.includes('scratch'))).toEqual([]);
  });
});
