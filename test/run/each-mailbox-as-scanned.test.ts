/**
 * The scan-then-work pipeline under the import and reconcile, on real fixture zips and a real SQLite
 * ledger: work begins per mailbox while the scan goes on, the progress phase moves on when the scan is
 * done (not when the last mailbox is), and a failing mailbox stops the scan and is thrown, not left unhandled.
 */
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Stats } from '../../src/accounting/stats.js';
import { Ledger } from '../../src/ledger/ledger.js';
import type { ScanOptions } from '../../src/run/scan/scan.js';
import { eachMailboxAsScanned } from '../../src/run/scan/each-mailbox-as-scanned.js';

const fixtures = resolve(import.meta.dirname, '..', '..', 'fixtures');
const options: ScanOptions = { verify: true, spam: { keepJunk: false, userRules: [] }, folderWanted: () => true };
const zips = [
  { path: join(fixtures, 'export-flat.zip'), mailbox: 'ann@contoso.com' },
  { path: join(fixtures, 'export-nested.zip'), mailbox: 'bob@contoso.com' },
  { path: join(fixtures, 'export-prefixed.zip'), mailbox: 'cy@contoso.com' },
];

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  return condition();
}

describe('eachMailboxAsScanned', () => {
  let ledger: Ledger | undefined;
  afterEach(() => ledger?.close());

  it('works on each mailbox with its own zips, and says the scan is over while the work goes on', async () => {
    ledger = Ledger.openScratch();
    const stats = new Stats();
    const phases: string[] = [];
    const { records, results } = await eachMailboxAsScanned(zips, ledger, stats, options, { parallel: 4, phaseAfterScan: 'importing' }, () => {}, async (mailbox, mine) => {
      await until(() => stats.phase !== 'scanning', 5000);
      phases.push(stats.phase);
      return `${mailbox}: ${mine.map((z) => z.name).join(',')}`;
    });
    expect(records.map((z) => z.name)).toEqual(['export-flat.zip', 'export-nested.zip', 'export-prefixed.zip']);
    expect(new Map(results)).toEqual(new Map([
      ['ann@contoso.com', 'ann@contoso.com: export-flat.zip'],
      ['bob@contoso.com', 'bob@contoso.com: export-nested.zip'],
      ['cy@contoso.com', 'cy@contoso.com: export-prefixed.zip'],
    ]));
    expect(phases).toEqual(['importing', 'importing', 'importing']);
  });

  it('a mailbox whose work fails stops the scan, and its error is what is thrown', async () => {
    ledger = Ledger.openScratch();
    const worked: string[] = [];
    const run = eachMailboxAsScanned(zips, ledger, new Stats(), options, { parallel: 4, phaseAfterScan: 'importing' }, () => {}, async (mailbox) => {
      worked.push(mailbox);
      throw new Error(`${mailbox}: the ledger's disk is full`);
    });
    await expect(run).rejects.toThrow(/the ledger's disk is full/);
    // The scan stopped with the first failure: no other zip read to the end, no other mailbox worked on.
    expect(worked).toHaveLength(1);
    expect(ledger.zips().filter((z) => z.scanned)).toHaveLength(1);
  });
});
