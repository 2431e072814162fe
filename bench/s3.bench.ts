/**
 * npm run bench:s3: the dry run (verifying, then --headers-only) of the large export served by a local
 * S3 server (s3rver, behind the counting proxy of test/s3/s3-server.ts), against the same dry run of the
 * local file in the same run: wall and CPU time and their ratios, peak RSS, GET requests and bytes
 * requested. The S3 server runs in this process, on the same cores as the dry run it serves.
 * Targets: the verifying S3 dry run within 1.3x of local, bytes requested within 1.05x of the zip's size,
 * GETs at most one per MB read plus a handful.
 *
 *   npx tsx bench/s3.bench.ts [--zip PATH] [--latency-ms 30] [--cpu-prof DIR]
 *
 * --latency-ms adds that much to every request at the proxy (a real S3 round trip is tens of ms), to show
 * what the read-ahead hides; the S3 rows are then run once more with it. Build first (npm run build).
 */
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { S3_TEST_CREDENTIALS, S3TestServer } from '../test/s3/s3-server.js';
import { measuredPid, threadCpuSeconds } from './proc-threads.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { zip: { type: 'string' }, 'latency-ms': { type: 'string', default: '0' }, 'cpu-prof': { type: 'string' } } });
const zipPath = values.zip ?? join(ROOT, 'fixtures', 'large', 'export-50000.zip');
const latencyMs = Number(values['latency-ms']);

interface Measurement {
  readonly seconds: number;
  /** User + system CPU seconds of the dry run: on a shared machine, steadier than the wall time. */
  readonly cpuSeconds: number;
  readonly peakRssMb: number;
  readonly exitCode: number | null;
  /** CPU seconds of the main thread and of the busiest other thread (a read worker): the one that binds. */
  readonly mainCpu: number;
  readonly busiestOtherCpu: number;
}

const TIME = '/usr/bin/time';

/** Wall time, CPU time and peak RSS of one command (GNU time), stdout discarded. */
async function measure(args: readonly string[], env: Record<string, string>): Promise<Measurement> {
  if (!existsSync(TIME)) throw new Error(`${TIME} (GNU time) is needed for CPU time and peak RSS`);
  const report = join(tmpdir(), `eml-import-s3-bench-${process.pid}.time`);
  const started = process.hrtime.bigint();
  const profile = values['cpu-prof'] === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', values['cpu-prof']];
  const child = spawn(TIME, ['-f', '%U %S %M', '-o', report, process.execPath, ...profile, ...args], { stdio: ['ignore', 'ignore', 'inherit'], cwd: ROOT, env: { ...process.env, ...env } });
  // Per thread: the S3 path moves work between the main thread and the read worker, and the busier of the
  // two bounds the wall time on an idle machine.
  const threads = new Map<number, number>();
  let measured: number | undefined;
  const poll = setInterval(() => {
    measured ??= child.pid === undefined ? undefined : measuredPid(child.pid, true);
    if (measured !== undefined) threadCpuSeconds(measured, threads);
  }, 50);
  const exitCode = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(poll);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const mainCpu = measured === undefined ? NaN : (threads.get(measured) ?? NaN);
  const busiestOtherCpu = Math.max(0, ...[...threads].filter(([tid]) => tid !== measured).map(([, cpu]) => cpu));
  const [user, system, peakKb] = readFileSync(report, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  rmSync(report, { force: true });
  return { seconds, cpuSeconds: (user ?? NaN) + (system ?? NaN), peakRssMb: (peakKb ?? NaN) / 1024, exitCode, mainCpu, busiestOtherCpu };
}

async function main(): Promise<void> {
  const cli = join(ROOT, 'dist', 'cli.js');
  if (!existsSync(cli)) throw new Error('build first: npm run build');
  if (!existsSync(zipPath)) throw new Error(`${zipPath} is missing: generate it with npm run bench (or give --zip)`);
  const zipBytes = statSync(zipPath).size;
  const server = await S3TestServer.start();
  try {
    await server.createBucket('bench');
    const uploadStarted = Date.now();
    await server.client.send(new PutObjectCommand({ Bucket: 'bench', Key: 'export.zip', Body: createReadStream(zipPath), ContentLength: zipBytes }));
    console.log(`export: ${zipPath} (${(zipBytes / 1e6).toFixed(0)} MB; uploaded to s3rver in ${((Date.now() - uploadStarted) / 1000).toFixed(0)} s)\ncores: ${availableParallelism()}`);
    const uri = 's3://bench/export.zip';
    const env = { ...S3_TEST_CREDENTIALS };
    const s3Args = (endpoint: string): string[] => ['--s3-endpoint', endpoint, '--s3-region', 'us-east-1'];
    const rows: { label: string; args: (endpoint: string) => string[]; s3: boolean; latency: number }[] = [];
    for (const mode of [[], ['--headers-only']]) {
      const shown = mode.length > 0 ? ' --headers-only' : '';
      rows.push({ label: `local ZIP --dry-run${shown}`, args: () => [cli, zipPath, '--dry-run', '--json', '--no-progress', ...mode], s3: false, latency: 0 });
      rows.push({ label: `s3://…/export.zip --dry-run${shown}`, args: (endpoint) => [cli, uri, '--dry-run', '--json', '--no-progress', ...s3Args(endpoint), ...mode], s3: true, latency: 0 });
      if (latencyMs > 0) rows.push({ label: `s3://… --dry-run${shown}, +${latencyMs} ms per request`, args: (endpoint) => [cli, uri, '--dry-run', '--json', '--no-progress', ...s3Args(endpoint), ...mode], s3: true, latency: latencyMs });
    }
    console.log(`
S3 rows without added latency are timed against s3rver directly, and run once more through the counting
proxy for the GETs and bytes: the proxy's second HTTP hop would otherwise take CPU from the same cores.
"S3 server CPU s" is s3rver's (and the proxy's, with latency) during the timed run.`);
    console.log('\n| command | wall s | wall ratio vs local | CPU s | CPU ratio vs local | main thread CPU s | busiest other thread CPU s | peak RSS MB | GETs | GETs per MB read | bytes requested / zip size | S3 server CPU s | exit |');
    console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
    let local = NaN;
    let localCpu = NaN;
    for (const row of rows) {
      server.resetCounts();
      server.latencyMs = row.latency;
      // Latency is added by the proxy, so those rows go through it; the others are timed without it.
      const timedEndpoint = row.latency > 0 ? server.endpoint : server.directEndpoint;
      // The S3 server runs in this process: its CPU shares the cores with the dry run.
      const serverCpu = process.cpuUsage();
      const m = await measure(row.args(timedEndpoint), env);
      const serverCpuUsed = process.cpuUsage(serverCpu);
      const serverSeconds = (serverCpuUsed.user + serverCpuUsed.system) / 1e6;
      if (!row.s3) {
        local = m.seconds;
        localCpu = m.cpuSeconds;
      }
      if (row.s3 && timedEndpoint !== server.endpoint) {
        server.resetCounts();
        await measure(row.args(server.endpoint), env);
      }
      const gets = server.gets().length;
      const served = server.bytesServed;
      const s3Cells = row.s3 ? [String(gets), (gets / (served / 1e6)).toFixed(3), (served / zipBytes).toFixed(4), serverSeconds.toFixed(2)] : ['', '', '', ''];
      console.log(
        `| ${row.label} | ${m.seconds.toFixed(2)} | ${(m.seconds / local).toFixed(2)} | ${m.cpuSeconds.toFixed(2)} | ${(m.cpuSeconds / localCpu).toFixed(2)} | ${m.mainCpu.toFixed(2)} | ${m.busiestOtherCpu.toFixed(2)} | ${m.peakRssMb.toFixed(0)} | ${s3Cells.join(' | ')} | ${m.exitCode} |`,
      );
    }
  } finally {
    await server.stop();
  }
}

await main();
