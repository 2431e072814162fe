/** The scratch ledger of a dry run or a reconcile: a real SQLite file while it is open, nothing after. */
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger/ledger.js';

const scratchFolders = (): Set<string> => new Set(readdirSync(tmpdir()).filter((name) => name.startsWith('eml-import-scratch-')));

describe('Ledger.openScratch', () => {
  it('keeps its rows in a file in a new temporary folder, and removes the folder on close', () => {
    const before = scratchFolders();
    const ledger = Ledger.openScratch();
    const mine = [...scratchFolders()].filter((name) => !before.has(name));
    expect(mine).toHaveLength(1);
    const file = join(tmpdir(), mine[0]!, 'ledger.db');
    expect(existsSync(file)).toBe(true);
    const zip = ledger.upsertZip({ path: '/exports/ann.zip', name: 'ann.zip', mailbox: 'ann@contoso.com', size: 1 });
    expect(ledger.zip(zip.id).name).toBe('ann.zip');
    ledger.close();
    expect(existsSync(join(tmpdir(), mine[0]!))).toBe(false);
  });
});
