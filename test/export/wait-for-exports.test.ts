import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { startS3Server, type S3Server } from '../helpers/s3-server.js';
import { defaultUsers, startWorkMailEmulator, type WorkMailEmulator } from '../workmail-emulator/index.js';
import { ExportJobStore } from '../../src/export/job-store.js';
import { s3ObjectProbe } from '../../src/export/s3-probe.js';
import { configureS3 } from '../../src/source/s3/index.js';
import { awaitExports, type Arrival } from '../../src/export/wait-for-exports.js';
import { AWS_ENV, BUCKET, exportArgs, objectExists, readMap, setAwsEnv } from './harness.js';

const FAST = 'user01@example.awsapps.com';
const SLOW = 'user02@example.awsapps.com';
const FAILING = 'user03@example.awsapps.com';

let s3: S3Server;
let emulator: WorkMailEmulator;
let restoreEnv: (() => void) | undefined;

beforeAll(async () => {
  s3 = await startS3Server([BUCKET]);
  const durations: Record<string, number> = { [FAST]: 200, [SLOW]: 2500, [FAILING]: 800 };
  emulator = await startWorkMailEmulator({ s3, users: defaultUsers(3), jobDurationMs: (user) => durations[user.email] ?? 500, failures: { [FAILING]: 'Export failed: KMS key is disabled.' } });
  restoreEnv = setAwsEnv();
});

afterAll(async () => {
  await emulator?.close();
  await s3?.close();
  restoreEnv?.();
});

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('awaitExports', () => {
  it('yields each mailbox as its export lands, while slower jobs still run, and a failed job with its ErrorInfo', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eml-import-wait-'));
    const mapOut = join(dir, 'map.csv');
    // The export runs alongside, keeping exports.db and the map current, as in the pipelined migration.
    const exporting = runCli([...exportArgs(emulator, join(dir, 'state'), mapOut), '--all'], AWS_ENV);
    await until(() => existsSync(mapOut) && readMap(mapOut).length === 3);
    const rows = [...readMap(mapOut), { zip: '/local/exports/ann.zip', mailbox: 'ann@contoso.com' }];

    const store = ExportJobStore.open(join(dir, 'state', 'exports.db'), { readonly: true });
    configureS3({ endpoint: s3.endpoint, region: 'us-east-1' });
    const probe = s3ObjectProbe();
    const arrivals: { arrival: Arrival; slowJobState: string; objectThere: boolean }[] = [];
    try {
      for await (const arrival of awaitExports(rows, { jobForUri: (uri) => store.latestForUri(uri), exists: (uri) => probe.exists(uri) }, { pollMs: 30, maxPollMs: 200 })) {
        const slowJob = [...emulator.organisation.jobs.values()].find((job) => job.user.email === SLOW)!;
        arrivals.push({ arrival, slowJobState: slowJob.state, objectThere: arrival.row.zip.startsWith('s3://') ? await objectExists(s3, arrival.row.zip) : true });
      }
    } finally {
      store.close();
    }
    expect((await exporting).status).toBe(1);

    const byMailbox = new Map(arrivals.map((a) => [a.arrival.row.mailbox, a]));
    expect(byMailbox.size).toBe(4);
    expect(byMailbox.get('ann@contoso.com')?.arrival.kind).toBe('ready');
    // The fast mailbox was handed over while the slow one's job was still running: that is the pipelining.
    expect(byMailbox.get(FAST)).toMatchObject({ arrival: { kind: 'ready' }, slowJobState: 'RUNNING', objectThere: true });
    expect(byMailbox.get(SLOW)).toMatchObject({ arrival: { kind: 'ready' }, objectThere: true });
    const failed = byMailbox.get(FAILING)!.arrival;
    expect(failed.kind).toBe('failed');
    expect(failed.kind === 'failed' && failed.reason).toContain('KMS key is disabled');
  });

  it('reports at once a missing object that no recorded job writes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eml-import-wait-'));
    const store = ExportJobStore.open(join(dir, 'exports.db'));
    configureS3({ endpoint: s3.endpoint, region: 'us-east-1' });
    const probe = s3ObjectProbe();
    const arrivals: Arrival[] = [];
    try {
      for await (const arrival of awaitExports([{ zip: `s3://${BUCKET}/nowhere/none.zip`, mailbox: 'x@contoso.com' }], { jobForUri: (uri) => store.latestForUri(uri), exists: (uri) => probe.exists(uri) }, { pollMs: 30, maxPollMs: 100 })) arrivals.push(arrival);
    } finally {
      store.close();
    }
    expect(arrivals).toHaveLength(1);
    expect(arrivals[0]).toMatchObject({ kind: 'failed', reason: expect.stringContaining('no recorded export job writes it') });
  });
});
