import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InspectedFolder } from '../emulator/index.js';
import { ANN, startHarness, type Harness } from './mailbox-harness.js';

function find(tree: InspectedFolder, path: string): InspectedFolder | undefined {
  if (tree.path === path) return tree;
  for (const child of tree.children) {
    const found = find(child, path);
    if (found) return found;
  }
  return undefined;
}

function count(tree: InspectedFolder, displayName: string): number {
  return (tree.displayName === displayName ? 1 : 0) + tree.children.reduce((n, c) => n + count(c, displayName), 0);
}

function folderCreates(harness: Harness): number {
  return harness.emulator.inspect
    .requests()
    .filter((r) => r.method === 'POST' && /childFolders|mailFolders$/i.test(r.path)).length;
}

function refusedCreates(harness: Harness, status: number): number {
  return harness.emulator.inspect.requests().filter((r) => r.method === 'POST' && r.status === status).length;
}

describe('Graph destination folders (emulator)', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => harness?.close());

  it('creates nested, non-ASCII and slash-named folders once and finds them again with a fresh cache', async () => {
    const first = harness.mailbox();
    const nested = await first.ensureFolder(['inbox', 'Projekte', 'Über/Unter', 'Q3 ☃']);
    expect(nested.path).toBe('Inbox/Projekte/Über/Unter/Q3 ☃');
    const tree = harness.emulator.inspect.folders(ANN);
    const leaf = find(tree, 'Inbox/Projekte/Über/Unter/Q3 ☃');
    expect(leaf?.id).toBe(nested.id);
    // The slash stays inside one display name: no folder "Über" and no folder "Unter" exist.
    expect(count(tree, 'Über/Unter')).toBe(1);
    expect(count(tree, 'Über')).toBe(0);
    expect(count(tree, 'Unter')).toBe(0);

    const creates = folderCreates(harness);
    const again = await first.ensureFolder(['Inbox', 'projekte', 'über/unter', 'Q3 ☃']);
    expect(again).toEqual(nested);

    const second = harness.mailbox();
    expect(await second.findFolder(['inbox', 'PROJEKTE', 'Über/Unter', 'q3 ☃'])).toEqual(nested);
    expect(await second.ensureFolder(['inbox', 'Projekte', 'Über/Unter', 'Q3 ☃'])).toEqual(nested);
    expect(folderCreates(harness)).toBe(creates);
    expect(await second.findFolder(['inbox', 'Projekte', 'missing'])).toBeNull();
  });

  it('creates top-level folders under the root when the first segment is not well-known', async () => {
    const mailbox = harness.mailbox();
    const top = await mailbox.ensureFolder(['WorkMail import', 'Lists']);
    expect(top.path).toBe('WorkMail import/Lists');
    expect(find(harness.emulator.inspect.folders(ANN), 'WorkMail import/Lists')?.id).toBe(top.id);
    const sent = await mailbox.ensureFolder(['sentitems']);
    expect(sent.path).toBe('Sent Items');
  });

  it('finds hidden folders instead of trying to create them', async () => {
    const before = folderCreates(harness);
    const clutter = await harness.mailbox().ensureFolder(['clutter']);
    expect(clutter.id).toBe(find(harness.emulator.inspect.folders(ANN), 'Clutter')?.id);
    expect(folderCreates(harness)).toBe(before);
  });

  it('coalesces concurrent ensureFolder calls for the same path into one create', async () => {
    const mailbox = harness.mailbox();
    const before = folderCreates(harness);
    const results = await Promise.all([
      mailbox.ensureFolder(['inbox', 'Race', 'Leaf']),
      mailbox.ensureFolder(['inbox', 'race', 'leaf']),
      mailbox.ensureFolder(['inbox', 'Race', 'Leaf']),
      mailbox.ensureFolder(['inbox', 'Race', 'Other']),
    ]);
    expect(new Set(results.slice(0, 3).map((f) => f.id)).size).toBe(1);
    expect(folderCreates(harness) - before).toBe(3);
    const race = find(harness.emulator.inspect.folders(ANN), 'Inbox/Race');
    expect(race?.children.map((c) => c.displayName).sort()).toEqual(['Leaf', 'Other']);
  });

  for (const status of [409, 400] as const) {
    it(`uses a folder created behind the cache's back (ErrorFolderExists as ${status})`, async () => {
      harness.emulator.configure({ errorFolderExistsStatus: status });
      const stale = harness.mailbox();
      // The stale instance lists Inbox's children now, before the folder exists.
      expect(await stale.findFolder(['inbox', `Behind ${status}`])).toBeNull();
      const other = await harness.mailbox().ensureFolder(['inbox', `Behind ${status}`]);
      const refusedBefore = refusedCreates(harness, status);
      const mine = await stale.ensureFolder(['inbox', `behind ${status}`]);
      expect(mine).toEqual(other);
      // It did try to create and was told the folder exists: the path this test is about.
      expect(refusedCreates(harness, status) - refusedBefore).toBe(1);
      expect(count(harness.emulator.inspect.folders(ANN), `Behind ${status}`)).toBe(1);
    });
  }

  it('two destinations racing on the same new path end with one folder', async () => {
    const [a, b] = await Promise.all([
      harness.mailbox().ensureFolder(['inbox', 'Twins', 'Leaf']),
      harness.mailbox().ensureFolder(['inbox', 'Twins', 'Leaf']),
    ]);
    expect(a).toEqual(b);
    const tree = harness.emulator.inspect.folders(ANN);
    expect(count(tree, 'Twins')).toBe(1);
    expect(count(tree, 'Leaf')).toBe(2); // Race/Leaf from above and Twins/Leaf
  });

  it('lists the whole tree with counts and display-name paths, hidden folders included', async () => {
    const folders = await harness.mailbox().listFolders();
    const paths = folders.map((f) => f.path);
    expect(paths).toContain('Inbox');
    expect(paths).toContain('Sent Items');
    expect(paths).toContain('Inbox/Projekte/Über/Unter/Q3 ☃');
    expect(paths).toContain('Clutter');
    expect(paths).toContain('Sync Issues/Conflicts');
    const tree = harness.emulator.inspect.folders(ANN);
    for (const folder of folders) {
      const inspected = find(tree, folder.path);
      expect(inspected?.id, folder.path).toBe(folder.id);
      expect(folder.totalItemCount).toBe(inspected?.totalItemCount);
    }
    const all: string[] = [];
    const walk = (f: InspectedFolder): void => {
      if (f.path !== '') all.push(f.path);
      f.children.forEach(walk);
    };
    walk(tree);
    expect(paths.sort()).toEqual(all.sort());
  });
});
