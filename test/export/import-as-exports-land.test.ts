import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { runCli } from '../helpers/run-cli.js';
import { startS3Server, type S3Server } from '../helpers/s3-server.js';
import { defaultUsers, startWorkMailEmulator, type WorkMailEmulator } from '../workmail-emulator/index.js';
import { ExportJobStore } from '../../src/export/job-store.js';
import { s3ObjectProbe } from '../../src/export/s3-probe.js';
import { configureS3 } from '../../src/source/s3/index.js';
import { importAsExportsLand } from '../../src/run/import/import-as-exports-land.js';
import type { ExportJobRow } from '../../src/export/job-store.js';
import { AWS_ENV, BUCKET, exportArgs, readMap, setAwsEnv } from './harness.js';

const FAST = 'user01@example.awsapps.com';
const SLOW = 'user02@example.awsapps.com';
const FAILING = 'user03@example.awsapps.com';

let s3: S3Server;
let emulator: WorkMailEmulator;
let restoreEnv: (() => void) | undefined;

beforeAll(async () => {
  s3 = await startS3Server([BUCKET]);
  const durations: Record<string, number> = { [FAST]: 200, [SLOW]: 2500, [FAILING]: 600 };
  emulator = await startWorkMailEmulator({ s3, users: defaultUsers(4), jobDurationMs: (user) => durations[user.email] ?? 400, failures: { [FAILING]: 'Export failed: mailbox locked.' } });
  restoreEnv = setAwsEnv();
});

afterAll(async () => {
  await emulator?.close();
  await s3?.close();
  restoreEnv?.();
});

describe('importAsExportsLand', () => {
  it('stops waiting for the exports still to come once an import has failed, and fails with its error', async () => {
    // A job that runs for ever: without the stop, the wait for its object would never end.
    const running = { id: 1, email: SLOW, target: SLOW, jobId: 'job-1', state: 'RUNNING', s3Uri: `s3://${BUCKET}/never.zip` } as unknown as ExportJobRow;
    const rows = [
      { zip: '/exports/landed.zip', mailbox: FAST },
      { zip: `s3://${BUCKET}/never.zip`, mailbox: SLOW },
    ];
    const full = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    const imported: string[] = [];
    const started = Date.now();
    await expect(
      importAsExportsLand(
        rows,
        { jobForUri: () => running, exists: () => Promise.resolve(false) },
        { pollMs: 20, maxPollMs: 50 },
        2,
        (row) => {
          imported.push(row.zip);
          return Promise.reject(full);
        },
        () => {},
      ),
    ).rejects.toBe(full);
    expect(imported).toEqual(['/exports/landed.zip']);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('starts importing a mailbox whose export has landed while another export still runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eml-import-landed-'));
    const mapOut = join(dir, 'map.csv');
    const exporting = runCli([...exportArgs(emulator, join(dir, 'state'), mapOut), '--all'], AWS_ENV);
    while (!(existsSync(mapOut) && readMap(mapOut).length === 4)) await new Promise((resolve) => setTimeout(resolve, 20));

    const store = ExportJobStore.open(join(dir, 'state', 'exports.db'), { readonly: true });
    configureS3({ endpoint: s3.endpoint, region: 'us-east-1' });
    const probe = s3ObjectProbe();
    const reader = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', credentials: s3.credentials, forcePathStyle: true });
    const imports: { mailbox: string; slowJob: string; zipBytes: number }[] = [];
    try {
      const result = await importAsExportsLand(
        readMap(mapOut),
        { jobForUri: (uri) => store.latestForUri(uri), exists: (uri) => probe.exists(uri) },
        { pollMs: 30, maxPollMs: 150 },
        2,
        async (row) => {
          // The "import": read the whole zip from S3, as the import would, and note where the slow export was.
          const slowJob = [...emulator.organisation.jobs.values()].find((job) => job.user.email === SLOW)!.state;
          const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(row.zip)!;
          const body = await (await reader.send(new GetObjectCommand({ Bucket: match[1], Key: match[2] }))).Body!.transformToByteArray();
          imports.push({ mailbox: row.mailbox, slowJob, zipBytes: body[0] === 0x50 && body[1] === 0x4b ? body.length : -1 });
        },
        () => undefined,
      );
      expect(result.landed.map((r) => r.mailbox).sort()).toEqual([FAST, SLOW, 'user04@example.awsapps.com']);
      expect(result.failed).toHaveLength(1);
      expect(result.failed[0]!.reason).toContain('mailbox locked');
    } finally {
      store.close();
      reader.destroy();
    }
    await exporting;
    expect(imports.find((i) => i.mailbox === FAST)).toMatchObject({ slowJob: 'RUNNING' });
    expect(imports.every((i) => i.zipBytes > 0)).toBe(true);
    expect(imports).toHaveLength(3);
  });
});
