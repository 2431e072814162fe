/**
 * A run of many zips reads the next zip on its read workers while it writes the last one's rows
 * (run/scan/zip-reading.ts): the rows are those of reading each zip alone, and a run stopped between two
 * zips leaves the one read ahead unscanned, for the next run to read. Real zips of some 25 MB in all (a
 * run keeps read workers from 16 MB, sharesReadWorkers) and real SQLite ledger files.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildZip } from '../../fixtures/zip-writer.js';
import { Stats } from '../../src/accounting/stats.js';
import { Ledger } from '../../src/ledger/ledger.js';
import { scanZips, sharesReadWorkers, type ScanOptions, type ZipToScan } from '../../src/run/scan/scan.js';

const options: ScanOptions = { verify: true, spam: { keepJunk: false, userRules: [] }, folderWanted: () => true };

/** A message with a megabyte of random attachment, so that the zips are large enough to share workers. */
function message(zip: number, n: number): Buffer {
  const attachment = randomBytes(1024 * 1024).toString('base64').replace(/.{76}/g, '$&\r\n');
  return Buffer.from(
    [
      `From: sender${n}@example.com`, `To: ann@contoso.com`, `Subject: zip ${zip} message ${n}`, `Date: Mon, 7 Dec 2026 10:${String(n).padStart(2, '0')}:00 +0000`,
      `Message-ID: <${zip}.${n}@example.com>`, 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="b"', '', '--b', 'Content-Type: text/plain', '', `hello ${n}`, '--b',
      'Content-Type: application/octet-stream', 'Content-Transfer-Encoding: base64', '', attachment, '--b--', '',
    ].join('\r\n'),
  );
}

/** What a run wrote, zip by zip, without ids. */
function rowsOf(ledger: Ledger): string[] {
  const names = new Map(ledger.zips().map((z) => [z.id, z.name]));
  return [...ledger.messages()].map((r) => `${names.get(r.zipId)} ${r.entry} ${r.subject} ${r.verdict} ${r.fingerprint} ${r.crc32}`);
}

describe('reading the next zip ahead', () => {
  let dir: string;
  let zips: ZipToScan[];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eml-import-ahead-'));
    zips = [];
    for (let z = 1; z <= 3; z++) {
      const path = join(dir, `mailbox-${z}.zip`);
      // Stored, not deflated: random bytes would not shrink, and the test stays quick.
      await writeFile(path, buildZip(Array.from({ length: 6 }, (_, n) => ({ name: `Inbox/${n}.eml`, data: message(z, n), method: 0 }))));
      zips.push({ path, mailbox: null });
    }
    expect(sharesReadWorkers(zips.map(() => 8 * 1024 * 1024))).toBe(true);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the rows that reading each zip alone writes, in order', async () => {
    const together = Ledger.open(join(dir, 'together.db'));
    const alone = Ledger.open(join(dir, 'alone.db'));
    try {
      await scanZips(zips, together, new Stats(), options, () => {});
      for (const zip of zips) await scanZips([zip], alone, new Stats(), options, () => {});
      expect(rowsOf(together)).toHaveLength(18);
      expect(rowsOf(together)).toEqual(rowsOf(alone));
      expect(together.zips().map((z) => [z.name, z.scanned])).toEqual([['mailbox-1.zip', true], ['mailbox-2.zip', true], ['mailbox-3.zip', true]]);
    } finally {
      together.close();
      alone.close();
    }
  });

  it('stopped after the first zip, leaves the one read ahead unscanned and without rows; the next run reads it once', async () => {
    const file = join(dir, 'stopped.db');
    const controller = new AbortController();
    const first = Ledger.open(file);
    try {
      await scanZips(zips, first, new Stats(), { ...options, signal: controller.signal }, () => {}, () => controller.abort());
      const scanned = first.zips().map((z) => [z.name, z.scanned]);
      expect(scanned[0]).toEqual(['mailbox-1.zip', true]);
      expect(scanned.slice(1)).toEqual([['mailbox-2.zip', false]]);
      expect(rowsOf(first).every((row) => row.startsWith('mailbox-1.zip '))).toBe(true);
    } finally {
      first.close();
    }
    const second = Ledger.open(file);
    const alone = Ledger.open(join(dir, 'alone-2.db'));
    try {
      await scanZips(zips, second, new Stats(), options, () => {});
      for (const zip of zips) await scanZips([zip], alone, new Stats(), options, () => {});
      expect(rowsOf(second)).toEqual(rowsOf(alone));
    } finally {
      second.close();
      alone.close();
    }
  });
});
