import { describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger/ledger.js';

/**
 * A zip that was deleted, moved away or unreadable between the start-up check and its turn gets an archive
 * error and no identity. Once it is back, the same command must read it, not replay the old error: the
 * report would say "export the mailbox again, or accept them as lost" for a file that is fine.
 */
describe('a zip that could not be opened in an earlier run', () => {
  const zip = { path: '/x/ann.zip', name: 'ann.zip', mailbox: 'ann@contoso.com', size: 1000 };

  it.each([
    ['once it opens', null, "/x/ann.zip: ENOENT: no such file or directory, open '/x/ann.zip'"],
    ['when its identity was had just before it went', '1000:abcd', "/x/ann.zip: EACCES: permission denied, open '/x/ann.zip'"],
  ])('is read again %s', (_when, identity, archiveError) => {
    const ledger = Ledger.open(':memory:');
    const first = ledger.claimZip({ ...zip, identity }, () => true);
    ledger.finishZipScan(first.id, { archiveError, exportLog: null, exportLogMismatches: [] });
    const again = ledger.claimZip({ ...zip, identity: '1000:abcd' }, () => true);
    expect(again.scanned).toBe(false);
    expect(again.archiveError).toBeNull();
    ledger.close();
  });

  it('a zip read to the end is still resumed', () => {
    const ledger = Ledger.open(':memory:');
    const first = ledger.claimZip({ ...zip, identity: '1000:abcd' }, () => true);
    ledger.finishZipScan(first.id, { archiveError: null, exportLog: null, exportLogMismatches: [] });
    const again = ledger.claimZip({ ...zip, identity: '1000:abcd' }, () => true);
    expect(again.id).toBe(first.id);
    expect(again.scanned).toBe(true);
    ledger.close();
  });
});
