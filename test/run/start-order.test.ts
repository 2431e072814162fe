import { describe, expect, it } from 'vitest';
import { scanGroups } from '../../src/run/scan/scan.js';

const zip = (path: string, mailbox: string | null, size: number) => ({ zip: { path, mailbox }, size });
const mailboxes = (groups: readonly (readonly { zip: { mailbox: string | null } }[])[]) => groups.map((g) => g[0]!.zip.mailbox);

describe('an import reads, and so starts, the largest mailboxes first', () => {
  const zips = [
    zip('/x/dee.zip', 'dee@contoso.com', 10),
    zip('/x/ann.zip', 'ann@contoso.com', 10),
    zip('/x/bob-1.zip', 'bob@contoso.com', 30),
    zip('/x/cy.zip', 'cy@contoso.com', 50),
    zip('/x/bob-2.zip', 'bob@contoso.com', 30),
  ];

  it('orders mailboxes by the bytes of all their zips, ties by name, whatever order they were given in', () => {
    const groups = scanGroups(zips, true);
    expect(mailboxes(groups)).toEqual(['bob@contoso.com', 'cy@contoso.com', 'ann@contoso.com', 'dee@contoso.com']);
    // A mailbox's zips stay together, in the order given: the duplicate pass weighs them in that order.
    expect(groups[0]!.map((z) => z.zip.path)).toEqual(['/x/bob-1.zip', '/x/bob-2.zip']);
  });

  it('without the import, keeps the given order; a zip without a mailbox is a group of its own', () => {
    expect(mailboxes(scanGroups(zips, false))).toEqual(['dee@contoso.com', 'ann@contoso.com', 'bob@contoso.com', 'cy@contoso.com']);
    const dry = [zip('/x/a.zip', null, 1), zip('/x/b.zip', null, 9)];
    expect(scanGroups(dry, false).map((g) => g.map((z) => z.zip.path))).toEqual([['/x/a.zip'], ['/x/b.zip']]);
  });
});
