/**
 * An S3 outage that outlasts every retry during the scan: the entries of the blocks it could not get are
 * reported unreadable in that run (the run goes on), and the next run with the same ledger reads them
 * again. Recorded as unreadable for good, a minute of 500s left every message of a 4 MiB block out of the
 * migration (S3 probe). A real S3-protocol server, a real SQLite ledger.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Stats } from '../../src/accounting/stats.js';
import { Ledger } from '../../src/ledger/ledger.js';
import { scanZips, type ScanOptions } from '../../src/run/scan/scan.js';
import { forgetS3Heads } from '../../src/source/s3/s3-object.js';
import { buildZip } from '../../fixtures/zip-writer.js';
import { serveS3 } from './serve-s3.js';

const COUNT = 3000;
const s3 = serveS3(async (started) => {
  await started.createBucket('exports');
  const entries = Array.from({ length: COUNT }, (_, i) => ({
    name: `Inbox/${i}.eml`,
    data: Buffer.from(`Subject: outage ${i}\r\nFrom: a@example.com\r\nMessage-ID: <outage-${i}@x>\r\nDate: Mon, 4 Mar 2024 10:00:00 +0000\r\n\r\n${randomBytes(1200).toString('base64')}\r\n`),
  }));
  await started.put('exports', 'ann.zip', buildZip(entries));
  await started.put('exports', 'bob.zip', buildZip(entries));
});

const options: ScanOptions = { verify: true, spam: { keepJunk: false, userRules: [] }, folderWanted: () => true };

function verdicts(ledger: Ledger): { importable: number; unreadable: number; readAgainSaid: number } {
  const rows = [...ledger.messages()];
  return {
    importable: rows.filter((r) => r.verdict === 'importable').length,
    unreadable: rows.filter((r) => r.verdict === 'unreadable').length,
    readAgainSaid: rows.filter((r) => r.readError?.endsWith('run again to read it') === true).length,
  };
}

describe('an S3 outage during the scan', () => {
  it('reports the entries it could not get unreadable, and the next run reads them again', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'eml-import-outage-')), 'state.db');
    const zip = { path: 's3://exports/ann.zip', mailbox: 'ann@contoso.com' };
    s3().faults = [{ method: 'GET', rangeFrom: 0, fault: 'internal-error', times: Infinity }];
    let ledger = Ledger.open(file);
    try {
      await scanZips([zip], ledger, new Stats(), options, () => undefined);
      const first = verdicts(ledger);
      expect(first.unreadable).toBeGreaterThan(100);
      expect(first.readAgainSaid).toBe(first.unreadable);
      expect(first.importable + first.unreadable).toBe(COUNT);
    } finally {
      ledger.close();
    }

    s3().faults = [];
    forgetS3Heads();
    const lines: string[] = [];
    ledger = Ledger.open(file);
    try {
      await scanZips([zip], ledger, new Stats(), options, (line) => lines.push(line));
      expect(verdicts(ledger)).toEqual({ importable: COUNT, unreadable: 0, readAgainSaid: 0 });
      expect(lines.some((line) => /reading again \d+ entries the last run could not get/.test(line))).toBe(true);
    } finally {
      ledger.close();
    }
  });

  it('leaves a zip whose central directory it could not get unread, for the next run to read whole', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'eml-import-outage-')), 'state.db');
    const zip = { path: 's3://exports/bob.zip', mailbox: 'bob@contoso.com' };
    s3().faults = [{ method: 'GET', fault: 'internal-error', times: Infinity }];
    const lines: string[] = [];
    let ledger = Ledger.open(file);
    try {
      await scanZips([zip], ledger, new Stats(), options, (line) => lines.push(line)).catch((error: unknown) => lines.push(String(error)));
      expect(verdicts(ledger)).toEqual({ importable: 0, unreadable: 0, readAgainSaid: 0 });
      expect(lines.join('\n')).toMatch(/bob\.zip: .*InternalError.*run again to read it/);
    } finally {
      ledger.close();
    }
    s3().faults = [];
    forgetS3Heads();
    ledger = Ledger.open(file);
    try {
      await scanZips([zip], ledger, new Stats(), options, () => undefined);
      expect(verdicts(ledger)).toEqual({ importable: COUNT, unreadable: 0, readAgainSaid: 0 });
    } finally {
      ledger.close();
    }
  });
});
