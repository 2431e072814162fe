/**
 * S3-compatible stores and proxies that answer otherwise than S3 (found by a probe against a store of
 * its own): the same dry run as from the local file where the answers can be used, one sentence naming
 * the zip where they cannot. s3rver behind the test proxy, which plays each store's quirk.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { buildZip } from '../../fixtures/zip-writer.js';
import { forgetS3Heads } from '../../src/source/s3/s3-object.js';
import { configureS3 } from '../../src/source/s3/s3-settings.js';
import { FIXTURES_DIR } from '../source/helpers.js';
import { S3_TEST_CREDENTIALS, S3TestServer } from './s3-server.js';
import { setEnvironment } from '../helpers/environment.js';

let server: S3TestServer;
let work: string;
let restore: () => void;
const ZIP = 'export-nested.zip';

beforeAll(async () => {
  restore = setEnvironment(S3_TEST_CREDENTIALS);
  server = await S3TestServer.start();
  work = mkdtempSync(join(tmpdir(), 'eml-import-s3-stores-'));
  await server.createBucket('exports');
  await server.put('exports', `jobs/${ZIP}`, readFileSync(join(FIXTURES_DIR, ZIP)));
  await server.put('exports', 'odd/ann smith+100%.zip', readFileSync(join(FIXTURES_DIR, ZIP)));
  // Larger than the end read first (1 MiB): its first GET does not start at byte 0. Stored random bytes.
  const big = Array.from({ length: 3 }, (_, i) => ({ name: `Inbox/${i}.eml`, data: Buffer.concat([Buffer.from(`Subject: big ${i}\r\n\r\n`), randomBytes(700_000)]), method: 0 as const }));
  await server.put('exports', 'jobs/big.zip', buildZip(big));
});

afterAll(async () => {
  configureS3({});
  await server.stop();
  restore();
});

beforeEach(() => {
  forgetS3Heads();
  for (const quirk of Object.keys(server.quirks)) delete (server.quirks as Record<string, unknown>)[quirk];
});

const dryRun = (zip: string, report: string): ReturnType<typeof runCli> => runCli([zip, '--dry-run', '--no-progress', '--report', join(work, report), '--s3-endpoint', server.endpoint]);
const messagesCsv = (report: string): string => readFileSync(join(work, report, 'messages.csv'), 'utf8');

describe('a dry run of S3 zips on a store that answers otherwise than S3', () => {
  let local: Awaited<ReturnType<typeof runCli>>;
  beforeAll(async () => {
    local = await runCli([join(FIXTURES_DIR, ZIP), '--dry-run', '--no-progress', '--report', join(work, 'local')]);
    expect(messagesCsv('local').split('\n').length).toBeGreaterThan(20);
  });

  it('reads a zip whose ranges the store cuts short, asking for the rest', async () => {
    server.quirks.rangesCappedAt = 1000;
    const run = await dryRun(`s3://exports/jobs/${ZIP}`, 'capped');
    expect(run.status, run.stderr).toBe(local.status);
    expect(messagesCsv('capped')).toBe(messagesCsv('local'));
    // The zip (9.7 KB) came in pieces of at most 1,000 bytes.
    expect(server.requests.filter((r) => r.method === 'GET' && r.range !== undefined).length).toBeGreaterThanOrEqual(10);
  });

  it('reads a zip from a store that refuses every If-Match, once its ETag is seen unchanged', async () => {
    server.quirks.ifMatchRefused = true;
    const run = await dryRun(`s3://exports/jobs/${ZIP}`, 'if-match');
    expect(run.status, run.stderr).toBe(local.status);
    expect(messagesCsv('if-match')).toBe(messagesCsv('local'));
  });

  it('expands a glob over listing keys the store sends URL-encoded', async () => {
    server.quirks.listedKeysEncoded = true;
    const run = await dryRun('s3://exports/odd/*.zip', 'encoded');
    expect(run.status, run.stderr).toBe(local.status);
    expect(messagesCsv('encoded')).toBe(messagesCsv('local').replaceAll('export-nested.zip', 'ann smith+100%.zip'));
  });

  it('says so when the store ignores the Range header, naming the zip', async () => {
    server.quirks.rangeIgnored = true;
    const run = await dryRun('s3://exports/jobs/big.zip', 'no-range');
    expect(run.status).toBeGreaterThan(0);
    expect(run.stderr).toContain('s3://exports/jobs/big.zip');
    expect(run.stderr).toContain('ignored the Range header');
  });

  it('stops before anything when HEAD gives no size, saying so', async () => {
    server.quirks.headLengthHidden = true;
    const run = await dryRun(`s3://exports/jobs/${ZIP}`, 'no-length');
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('no Content-Length');
  });
});
