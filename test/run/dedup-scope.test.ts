/**
 * Duplicates across zips: the scope is the mailbox, so a copy in a second zip of the same mailbox is a
 * duplicate (in the same run or a later one on the same ledger), while zips without a mailbox (a dry run
 * without a tenant) or of different mailboxes never drop each other's messages. Real zips, a real SQLite
 * ledger file.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stats } from '../../src/accounting/stats.js';
import { Ledger } from '../../src/ledger/ledger.js';
import { scanZips, type ScanOptions, type ZipToScan } from '../../src/run/scan.js';
import { message, writeZip } from '../helpers/make-zip.js';

const options: ScanOptions = { verify: true, spam: { keepJunk: false, userRules: [] }, folderWanted: () => true };

describe('duplicate scope across zips', () => {
  let dir: string;
  let first: string;
  let second: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eml-import-dedup-scope-'));
    const same = message({ subject: 'Quarterly numbers', messageId: '<q@x>' });
    first = await writeZip(join(dir, 'first.zip'), [{ name: 'Inbox/a.eml', content: same }]);
    second = await writeZip(join(dir, 'second.zip'), [
      { name: 'Inbox/a-again.eml', content: same },
      { name: 'Sent Items/a-elsewhere.eml', content: same },
    ]);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Scans `zips` into the ledger at `file`, in one run; the verdict of every entry by name. */
  async function scan(file: string, zips: readonly ZipToScan[]): Promise<Record<string, string>> {
    const ledger = Ledger.open(file);
    try {
      await scanZips(zips, ledger, new Stats(), options, () => {});
      return Object.fromEntries([...ledger.messages()].map((row) => [row.entry, row.verdict]));
    } finally {
      ledger.close();
    }
  }

  it('drops the copy in a second zip of the same mailbox, in the same folder only', async () => {
    const verdicts = await scan(join(dir, 'one-run.db'), [
      { path: first, mailbox: 'ann@contoso.com' },
      { path: second, mailbox: 'ann@contoso.com' },
    ]);
    expect(verdicts).toEqual({ 'Inbox/a.eml': 'importable', 'Inbox/a-again.eml': 'duplicate', 'Sent Items/a-elsewhere.eml': 'importable' });
  });

  it('drops it when the second zip is scanned in a later run on the same ledger', async () => {
    const file = join(dir, 'two-runs.db');
    await scan(file, [{ path: first, mailbox: 'ann@contoso.com' }]);
    const verdicts = await scan(file, [{ path: second, mailbox: 'ann@contoso.com' }]);
    expect(verdicts['Inbox/a-again.eml']).toBe('duplicate');
  });

  it.each([
    ['different mailboxes', 'ann@contoso.com', 'bob@contoso.com'],
    ['no mailbox (each zip its own scope)', null, null],
  ])('keeps both copies for %s', async (_, a, b) => {
    const verdicts = await scan(join(dir, `${a ?? 'none'}-${b ?? 'none'}.db`), [
      { path: first, mailbox: a },
      { path: second, mailbox: b },
    ]);
    expect(verdicts['Inbox/a.eml']).toBe('importable');
    expect(verdicts['Inbox/a-again.eml']).toBe('importable');
  });
});
