import { afterEach, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger/ledger.js';
import { startOrder } from '../../src/run/import/import-mailboxes.js';

describe('a multi-mailbox run starts the largest mailboxes first', () => {
  let ledger: Ledger | undefined;
  afterEach(() => ledger?.close());

  it('orders by the bytes of each mailbox’s zips (all of them), ties by name, whatever order they were given in', () => {
    ledger = Ledger.open(':memory:');
    const zips = [
      ledger.upsertZip({ path: '/x/ann.zip', name: 'ann.zip', mailbox: 'ann@contoso.com', size: 10 }),
      ledger.upsertZip({ path: '/x/bob-1.zip', name: 'bob-1.zip', mailbox: 'bob@contoso.com', size: 30 }),
      ledger.upsertZip({ path: '/x/cy.zip', name: 'cy.zip', mailbox: 'cy@contoso.com', size: 50 }),
      ledger.upsertZip({ path: '/x/bob-2.zip', name: 'bob-2.zip', mailbox: 'bob@contoso.com', size: 30 }),
      ledger.upsertZip({ path: '/x/dee.zip', name: 'dee.zip', mailbox: 'dee@contoso.com', size: 10 }),
    ];
    const given = ['dee@contoso.com', 'ann@contoso.com', 'cy@contoso.com', 'bob@contoso.com'];
    expect(startOrder(given, zips)).toEqual(['bob@contoso.com', 'cy@contoso.com', 'ann@contoso.com', 'dee@contoso.com']);
    // Only the mailboxes asked for (a missing one was left out before), even when other zips are bigger.
    expect(startOrder(['ann@contoso.com', 'dee@contoso.com'], zips)).toEqual(['ann@contoso.com', 'dee@contoso.com']);
  });
});
