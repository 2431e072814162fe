/**
 * Ctrl-C during the scan: no further zip is read, the zip being read stops where it is and stays
 * unscanned, and the next run reads it again without doubling a row. Real fixture zips, a real SQLite
 * ledger file; the abort comes from the scan's own error log, so it lands mid-zip every time.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stats } from '../../src/accounting/stats.js';
import { Ledger } from '../../src/ledger/ledger.js';
import { scanZips, type ScanOptions } from '../../src/run/scan/scan.js';
import { manifest } from '../source/helpers.js';

const fixtures = resolve(import.meta.dirname, '..', '..', 'fixtures');
const options: ScanOptions = { verify: true, spam: { keepJunk: false, userRules: [] }, folderWanted: () => true };
const zips = [
  { path: join(fixtures, 'corrupt.zip'), mailbox: 'ann@contoso.com' },
  { path: join(fixtures, 'export-flat.zip'), mailbox: 'ann@contoso.com' },
];

describe('an interrupted scan', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eml-import-interrupt-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('stops mid-zip, leaves that zip unscanned and reads no other; the next run finishes it without doubling rows', async () => {
    const file = join(dir, 'state.db');
    const controller = new AbortController();
    const first = Ledger.open(file);
    try {
      // corrupt.zip's first unreadable entry comes after two good ones: the log line for it pulls the plug.
      await scanZips(zips, first, new Stats(), { ...options, signal: controller.signal }, () => controller.abort());
      expect(first.zips().map((z) => [z.name, z.scanned])).toEqual([['corrupt.zip', false]]);
      const rowsSoFar = [...first.messages()].length;
      expect(rowsSoFar).toBeGreaterThanOrEqual(3);
      expect(rowsSoFar).toBeLessThan(10);
    } finally {
      first.close();
    }

    const second = Ledger.open(file);
    try {
      await scanZips(zips, second, new Stats(), options, () => {});
      expect(second.zips().map((z) => [z.name, z.scanned])).toEqual([['corrupt.zip', true], ['export-flat.zip', true]]);
      const corruptRows = [...second.messages()].filter((row) => row.zipId === second.zips()[0]!.id);
      expect(corruptRows.map((row) => row.entry)).toEqual(manifest.zips['corrupt.zip']!.entries.map((e) => e.entry));
    } finally {
      second.close();
    }
  });
});
