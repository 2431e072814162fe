import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger/ledger.js';
import { entryRow } from '../helpers/ledger-rows.js';

const ANN = 'ann@contoso.onmicrosoft.com';
const BOB = 'bob@contoso.onmicrosoft.com';

describe("the ledger's answers to a re-check of an unanswered create", () => {
  let ledger: Ledger;
  beforeEach(() => {
    ledger = Ledger.open(':memory:');
    const ann = ledger.upsertZip({ path: '/exports/ann.zip', name: 'ann.zip', mailbox: ANN, size: 1 });
    const bob = ledger.upsertZip({ path: '/exports/bob.zip', name: 'bob.zip', mailbox: BOB, size: 1 });
    ledger.addEntries([
      entryRow(ann.id, 0, { messageId: '102.10200000000105' }),
      entryRow(ann.id, 1, { messageId: ' <with@brackets> ' }),
      entryRow(ann.id, 2, { messageId: '<in-sent@x>', target: 'sentitems' }),
      entryRow(ann.id, 3, { messageId: '<spam@x>', verdict: 'spam', target: null }),
      entryRow(ann.id, 4, { messageId: null }),
      entryRow(bob.id, 0, { messageId: '<bobs@x>' }),
    ]);
  });
  afterEach(() => ledger.close());

  it("knows a Message-ID another wanted message of the folder carries, in either form, and no other folder's, mailbox's or unwanted one's", () => {
    const carried = (messageId: string, mailbox = ANN, target = 'Inbox'): boolean => ledger.messageIdCarried(mailbox, target, messageId);
    expect(carried('<102.10200000000105>')).toBe(true);
    expect(carried('102.10200000000105')).toBe(true);
    expect(carried('with@brackets')).toBe(true);
    expect(carried('<with@brackets>')).toBe(true);
    expect(carried('<in-sent@x>')).toBe(false);
    expect(carried('<in-sent@x>', ANN, 'sentitems')).toBe(true);
    expect(carried('<spam@x>')).toBe(false);
    expect(carried('<bobs@x>')).toBe(false);
    expect(carried('<bobs@x>', BOB)).toBe(true);
    expect(carried('<generated-by-exchange@prod.outlook.com>')).toBe(false);
    expect(carried('<>')).toBe(false);
  });
});
