/** The source stage reading zips from a real S3-protocol server (s3rver) through a fault-injecting proxy. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { readCentralDirectoryBytes } from '../../src/source/central-directory.js';
import { S3AccessError, forgetS3Heads, headS3Object } from '../../src/source/s3/s3-object.js';
import { configureS3 } from '../../src/source/s3/s3-settings.js';
import { checkS3Bucket } from '../../src/source/s3/s3-check.js';
import { keyPattern, listS3Glob } from '../../src/source/s3/s3-list.js';
import { FIXTURES_DIR, collect, entriesOf } from '../source/helpers.js';
import { serveS3 } from './serve-s3.js';

const s3 = serveS3(async (started) => {
  await started.createBucket('exports');
  for (const name of ['export-nested.zip', 'export-flat.zip', 'corrupt.zip', 'truncated.zip', 'zip64.zip']) {
    await started.put('exports', `jobs/${name}`, readFileSync(join(FIXTURES_DIR, name)));
  }
});

/** What a scan says about each entry, without the zip's location. */
function summary(items: Awaited<ReturnType<typeof collect>>): unknown[] {
  return items.map((item) =>
    item.type === 'entry'
      ? { entry: item.entry.entryName, folder: item.entry.folder, ok: item.read.ok, kind: item.read.ok ? item.read.kind : item.read.error.replace(item.entry.zipPath, 'ZIP'), head: item.read.ok ? item.read.head.toString('latin1') : null }
      : { archiveError: item.error.replace(item.zipPath, 'ZIP') },
  );
}

/**
 * A zip of `count` messages of about 2 KB, every tenth deflated and the rest stored (deflating thousands
 * of entries through yazl's async zlib is slow on a busy machine, and the read pattern is the same).
 */
async function manyEntryZip(count: number): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (let i = 0; i < count; i++) {
    const body = `Subject: message ${i}\r\nFrom: a@example.com\r\nDate: Mon, 4 Mar 2024 10:00:00 +0000\r\n\r\n${randomBytes(1500).toString('base64')}\r\n`;
    zip.addBuffer(Buffer.from(body), `Inbox/${i}.eml`, { mtime: new Date('2024-01-01T00:00:00Z'), compress: i % 10 === 0 });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('scanExport on S3 objects', () => {
  for (const name of ['export-nested.zip', 'export-flat.zip', 'corrupt.zip', 'truncated.zip', 'zip64.zip']) {
    for (const verify of [true, false]) {
      it(`reads ${name} from S3 exactly as from the local file (verify=${verify})`, async () => {
        const local = await collect(join(FIXTURES_DIR, name), { verify, workers: 0 });
        const remote = await collect(`s3://exports/jobs/${name}`, { verify });
        expect(summary(remote)).toEqual(summary(local));
      });
    }
  }

  it('gives the same central directory bytes as the local file (the content identity)', async () => {
    const local = await readCentralDirectoryBytes(join(FIXTURES_DIR, 'export-nested.zip'));
    const remote = await readCentralDirectoryBytes('s3://exports/jobs/export-nested.zip');
    expect(remote.length).toBeGreaterThan(0);
    expect(remote.equals(local)).toBe(true);
  });

  it('costs GETs by the megabyte, not by the entry, and reads on workers what the local file gives', async () => {
    const bytes = await manyEntryZip(4000);
    await s3().put('exports', 'many.zip', bytes);
    const localPath = join(mkdtempSync(join(tmpdir(), 's3-many-')), 'many.zip');
    writeFileSync(localPath, bytes);
    s3().resetCounts();
    // Read workers get the bytes of their batches from the main thread, which alone talks to S3.
    const remote = await collect('s3://exports/many.zip', { verify: true, workers: 1 });
    expect(summary(remote)).toEqual(summary(await collect(localPath, { verify: true, workers: 0 })));
    const items = entriesOf(remote);
    expect(items).toHaveLength(4000);
    expect(items.every((i) => i.read.ok && i.read.kind === 'message')).toBe(true);
    const gets = s3().gets();
    // One for the end of the object (EOCD and central directory), one per 4 MiB block, a couple more.
    expect(gets.length).toBeLessThanOrEqual(Math.ceil(bytes.length / (1024 * 1024)) + 3);
    expect(s3().bytesServed).toBeLessThanOrEqual(bytes.length * 1.05);
    expect(s3().bytesServed).toBeGreaterThanOrEqual(bytes.length * 0.9);
  });

  it('retries 503 SlowDown, 500, resets and short bodies, and reads every entry', async () => {
    const bytes = await manyEntryZip(1500);
    await s3().put('exports', 'flaky.zip', bytes);
    s3().resetCounts();
    s3().faults = [
      { method: 'GET', fault: 'slow-down', times: 2 },
      { method: 'GET', fault: 'reset', times: 1 },
      { method: 'GET', fault: 'short', times: 1 },
      { method: 'GET', fault: 'internal-error', times: 1 },
    ];
    const items = entriesOf(await collect('s3://exports/flaky.zip', { verify: true }));
    expect(items).toHaveLength(1500);
    expect(items.filter((i) => !i.read.ok)).toEqual([]);
    expect(s3().faults.every((f) => f.times === 0)).toBe(true);
    expect(s3().requests.filter((r) => r.status >= 500).length).toBe(3);
  });

  it('reports the entries of a block it cannot get unreadable, naming the URI and entry, and reads the rest', async () => {
    const bytes = await manyEntryZip(3000);
    await s3().put('exports', 'broken.zip', bytes);
    s3().faults = [{ method: 'GET', rangeFrom: 0, fault: 'internal-error', times: Infinity }];
    const items = await collect('s3://exports/broken.zip', { verify: true });
    const entries = entriesOf(items);
    expect(items.filter((i) => i.type === 'archive-error')).toEqual([]);
    expect(entries).toHaveLength(3000);
    const bad = entries.filter((i) => !i.read.ok);
    expect(bad.length).toBeGreaterThan(100);
    expect(bad.length).toBeLessThan(3000);
    const first = bad[0]!;
    expect(first.read.ok ? '' : first.read.error).toBe(
      's3://exports/broken.zip: Inbox/0.eml: S3 request failed (InternalError) after retries, reading bytes 0-4194303',
    );
    // The failed block was asked for once (the SDK's attempts), not once per entry in it.
    expect(s3().requests.filter((r) => r.range?.startsWith('bytes=0-')).length).toBeLessThanOrEqual(6);
  });

  it('says what is wrong in one sentence: no key, no bucket, access denied, wrong region', async () => {
    const sentence = async (uri: string): Promise<string> => {
      forgetS3Heads();
      const error = await headS3Object(uri).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(S3AccessError);
      return (error as Error).message;
    };
    expect(await sentence('s3://exports/jobs/nope.zip')).toBe(
      "s3://exports/jobs/nope.zip: bucket 'exports' has no object 'jobs/nope.zip': check the key (a glob such as s3://exports/prefix/*.zip shows what is there)",
    );
    expect(await sentence('s3://no-such-bucket/a.zip')).toMatch(/^s3:\/\/no-such-bucket\/a\.zip: there is no bucket 'no-such-bucket': check the bucket name and --s3-endpoint/);
    s3().faults = [{ method: 'HEAD', fault: 'access-denied', times: 1 }];
    expect(await sentence('s3://exports/jobs/export-flat.zip')).toMatch(/^s3:\/\/exports\/jobs\/export-flat\.zip: access denied: the credentials from the AWS chain may not read this object \(s3:GetObject, and kms:Decrypt/);
    s3().bucketRegions.set('exports', 'eu-west-1');
    try {
      expect(await sentence('s3://exports/jobs/export-flat.zip')).toBe(
        "s3://exports/jobs/export-flat.zip: bucket 'exports' is in region eu-west-1, not us-east-1: give --s3-region eu-west-1, or leave --s3-region out to find it from the bucket",
      );
      // Without --s3-region the bucket says where it is, and the read works.
      configureS3({ endpoint: s3().endpoint });
      forgetS3Heads();
      const head = await headS3Object('s3://exports/jobs/export-flat.zip');
      expect(head.size).toBe(readFileSync(join(FIXTURES_DIR, 'export-flat.zip')).length);
      expect(head.etag).toMatch(/^".+"$/);
    } finally {
      s3().bucketRegions.delete('exports');
    }
  });
});

describe('s3:// globs', () => {
  it('follow the shell rules: * and ? within one segment, [set]', () => {
    expect(keyPattern('jobs/*.zip').test('jobs/ann.zip')).toBe(true);
    expect(keyPattern('jobs/*.zip').test('jobs/2026/ann.zip')).toBe(false);
    expect(keyPattern('jobs/*/*.zip').test('jobs/2026/ann.zip')).toBe(true);
    expect(keyPattern('jobs/?nn.zip').test('jobs/ann.zip')).toBe(true);
    expect(keyPattern('jobs/[ab]*.zip').test('jobs/bob.zip')).toBe(true);
    expect(keyPattern('jobs/[!ab]*.zip').test('jobs/bob.zip')).toBe(false);
    expect(keyPattern('jobs/a.zip').test('jobs/aXzip')).toBe(false);
  });

  it('are listed through every page of ListObjectsV2', async () => {
    for (const name of ['a', 'b', 'c', 'd', 'e']) await s3().put('exports', `paged/${name}.zip`, Buffer.from('x'));
    await s3().put('exports', 'paged/notes.txt', Buffer.from('x'));
    await s3().put('exports', 'paged/deeper/f.zip', Buffer.from('x'));
    s3().resetCounts();
    const found = await listS3Glob('s3://exports/paged/*.zip', 2);
    expect(found).toEqual(['a', 'b', 'c', 'd', 'e'].map((n) => `s3://exports/paged/${n}.zip`));
    expect(s3().requests.filter((r) => r.method === 'GET').length).toBe(4);
  });

  it('names a key that holds glob characters itself when it is written as it is', async () => {
    for (const key of ['odd/ann[1].zip', 'odd/ann1.zip', 'odd/bob?.zip', 'odd/bobX.zip']) await s3().put('exports', key, Buffer.from('x'));
    expect(await listS3Glob('s3://exports/odd/ann[1].zip')).toEqual(['s3://exports/odd/ann[1].zip']);
    expect(await listS3Glob('s3://exports/odd/bob?.zip')).toEqual(['s3://exports/odd/bob?.zip']);
    // Without an object of that exact name the shell's rules hold.
    expect(await listS3Glob('s3://exports/odd/ann[0-9].zip')).toEqual(['s3://exports/odd/ann1.zip']);
    expect(await listS3Glob('s3://exports/odd/bo?X.zip')).toEqual(['s3://exports/odd/bobX.zip']);
  });
});

describe('the bucket region', () => {
  it('finds the bucket region without --s3-region: from a 400 HeadBucket, and from GetBucketLocation when no header comes', async () => {
    const uri = 's3://exports/jobs/export-flat.zip';
    const size = readFileSync(join(FIXTURES_DIR, 'export-flat.zip')).length;
    const savedRegion = process.env['AWS_REGION'];
    const headOf = async (): Promise<number> => {
      forgetS3Heads();
      return (await headS3Object(uri)).size;
    };
    try {
      // A 400 to HeadBucket (no body, as HEAD answers have none) that names the region in its header.
      s3().bucketRegions.set('exports', 'ap-southeast-2');
      s3().wrongRegionStatus = 400;
      configureS3({ endpoint: s3().endpoint });
      expect(await headOf()).toBe(size);
      configureS3({ endpoint: s3().endpoint, region: 'us-east-1' });
      await expect(headOf()).rejects.toThrow("s3://exports/jobs/export-flat.zip: bucket 'exports' is in region ap-southeast-2, not us-east-1: give --s3-region ap-southeast-2, or leave --s3-region out to find it from the bucket");

      // No header anywhere: GetBucketLocation says EU, which is eu-west-1.
      s3().wrongRegionStatus = 301;
      s3().regionHeaderHidden = true;
      s3().bucketRegions.set('exports', 'eu-west-1');
      s3().locationConstraints.set('exports', 'EU');
      configureS3({ endpoint: s3().endpoint });
      s3().resetCounts();
      expect(await headOf()).toBe(size);
      // HeadBucket says nothing but 301, GetBucketLocation answers, and the object's HEAD goes to eu-west-1.
      expect(s3().requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['HEAD /exports/ 301', 'GET /exports/ 200', 'HEAD /exports/jobs/export-flat.zip 200']);

      // An empty LocationConstraint is us-east-1, whatever AWS_REGION says.
      process.env['AWS_REGION'] = 'us-west-2';
      s3().bucketRegions.set('exports', 'us-east-1');
      s3().locationConstraints.set('exports', '');
      configureS3({ endpoint: s3().endpoint });
      expect(await headOf()).toBe(size);
    } finally {
      if (savedRegion === undefined) delete process.env['AWS_REGION'];
      else process.env['AWS_REGION'] = savedRegion;
      s3().bucketRegions.delete('exports');
      s3().locationConstraints.delete('exports');
      s3().regionHeaderHidden = false;
      s3().wrongRegionStatus = 301;
      configureS3({ endpoint: s3().endpoint, region: 'us-east-1' });
    }
  });

  it('checks a bucket before its objects exist (--wait-for-exports): none, another region, or fine', async () => {
    configureS3({ endpoint: s3().endpoint, region: 'us-east-1' });
    expect(await checkS3Bucket('exports')).toBeUndefined();
    expect(await checkS3Bucket('no-such-bucket')).toMatch(/^s3:\/\/no-such-bucket\/: there is no bucket 'no-such-bucket'/);
    s3().bucketRegions.set('exports', 'eu-central-1');
    s3().regionHeaderHidden = true;
    s3().locationConstraints.set('exports', 'eu-central-1');
    try {
      expect(await checkS3Bucket('exports')).toBe(
        "s3://exports/: bucket 'exports' is in region eu-central-1, not us-east-1: give --s3-region eu-central-1, or leave --s3-region out to find it from the bucket",
      );
      // Access denied says nothing here: HeadBucket needs s3:ListBucket, which a reader of known keys may lack.
      s3().bucketRegions.delete('exports');
      s3().faults = [{ method: 'HEAD', fault: 'access-denied', times: 1 }];
      expect(await checkS3Bucket('exports')).toBeUndefined();
    } finally {
      s3().faults = [];
      s3().bucketRegions.delete('exports');
      s3().locationConstraints.delete('exports');
      s3().regionHeaderHidden = false;
    }
  });
});
