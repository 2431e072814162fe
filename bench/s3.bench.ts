/**
 * npm run bench:s3: the dry run (verifying, then --headers-only) of the large export served by a local
 * S3 server (s3rver, behind the counting proxy of test/s3/s3-server.ts), against the same dry run of the
 * local file in the same run: wall and CPU time and their ratios, peak RSS, GET requests and bytes
 * requested. The S3 server runs in this process, on the same cores as the dry run it serves.
 * Targets: the verifying S3 dry run within 1.3x of local, bytes requested within 1.05x of the zip's size,
 * GETs at most one per MB read plus a handful.
 *
 *   npx tsx bench/s3.bench.ts [--zip PATH] [--runs 3] [--latency-ms 30] [--cpu-prof DIR]
 *
 * --runs: local and S3 dry runs alternated this many times per mode; medians are shown, and the wall ratio
 * is the median of each pair's ratio.
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
const { values } = parseArgs({ options: { zip: { type: 'string' }, 'latency-ms': { type: 'string', default: '0' }, 'cpu-prof': { type: 'string' }, runs: { type: 'string', default: '3' } } });
const zipPath = values.zip ?? join(ROOT, 'fixtures', 'large', 'export-50000.zip');
const latencyMs = Number(values['latency-ms']);
const runs = Math.max(1, Number(values.runs));

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

interface Timed {
  readonly m: Measurement;
  readonly gets: number;
  readonly served: number;
  /** CPU seconds of the S3 server (in this process) while the run was timed. */
  readonly serverSeconds: number;
}

/** One run against the S3 server with `latency` ms added at its proxy, counting its GETs and bytes served. */
async function timedAgainst(server: S3TestServer, latency: number, run: () => Promise<Measurement>): Promise<Timed> {
  server.resetCounts();
  server.latencyMs = latency;
  const before = process.cpuUsage();
  const m = await run();
  const used = process.cpuUsage(before);
  return { m, gets: server.gets().length, served: server.bytesServed, serverSeconds: (used.user + used.system) / 1e6 };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Each field's median over the runs (so the row is not one run's, but every number in it is typical). */
function medianOf(runs: readonly Measurement[]): Measurement {
  const of = (pick: (m: Measurement) => number): number => median(runs.map(pick));
  const failed = runs.find((m) => m.exitCode !== 0);
  return { seconds: of((m) => m.seconds), cpuSeconds: of((m) => m.cpuSeconds), peakRssMb: of((m) => m.peakRssMb), mainCpu: of((m) => m.mainCpu), busiestOtherCpu: of((m) => m.busiestOtherCpu), exitCode: failed?.exitCode ?? 0 };
}

function row(label: string, m: Measurement, wallRatio: number, cpuRatio: number, s3Cells: readonly string[]): string {
  return `| ${label} | ${m.seconds.toFixed(2)} | ${wallRatio.toFixed(2)} | ${m.cpuSeconds.toFixed(2)} | ${cpuRatio.toFixed(2)} | ${m.mainCpu.toFixed(2)} | ${m.busiestOtherCpu.toFixed(2)} | ${m.peakRssMb.toFixed(0)} | ${s3Cells.join(' | ')} | ${m.exitCode} |`;
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
    console.log(`
Each mode runs the local and the S3 dry run alternately ${runs} times (the machine's speed drifts by a third
within minutes here, so a ratio is only fair between neighbours); the table shows medians, and the wall
ratio is the median of the pairs' ratios, which are listed after it. S3 runs are timed against s3rver
directly, and run once more through the counting proxy for the GETs and bytes: the proxy's second HTTP hop
would otherwise take CPU from the same cores. "S3 server CPU s" is s3rver's (and the proxy's, with
latency) during the timed runs, a median.`);
    console.log('\n| command | wall s | wall ratio vs local | CPU s | CPU ratio vs local | main thread CPU s | busiest other thread CPU s | peak RSS MB | GETs | GETs per MB read | bytes requested / zip size | S3 server CPU s | exit |');
    console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
    const pairs: string[] = [];
    for (const mode of [[], ['--headers-only']]) {
      const shown = mode.length > 0 ? ' --headers-only' : '';
      const localArgs = [cli, zipPath, '--dry-run', '--json', '--no-progress', ...mode];
      const s3RunArgs = (endpoint: string): string[] => [cli, uri, '--dry-run', '--json', '--no-progress', ...s3Args(endpoint), ...mode];
      const locals: Measurement[] = [];
      const remotes: Timed[] = [];
      for (let run = 0; run < runs; run++) {
        locals.push(await measure(localArgs, env));
        remotes.push(await timedAgainst(server, 0, () => measure(s3RunArgs(server.directEndpoint), env)));
      }
      const counted = await timedAgainst(server, 0, () => measure(s3RunArgs(server.endpoint), env));
      const ratios = locals.map((l, i) => remotes[i]!.m.seconds / l.seconds);
      const cpuRatios = locals.map((l, i) => remotes[i]!.m.cpuSeconds / l.cpuSeconds);
      pairs.push(`${shown === '' ? 'verifying' : shown.trim()}: ${ratios.map((r) => r.toFixed(2)).join(', ')} (wall), ${cpuRatios.map((r) => r.toFixed(2)).join(', ')} (CPU)`);
      const local = medianOf(locals);
      console.log(row(`local ZIP --dry-run${shown}`, local, 1, 1, ['', '', '', '']));
      const remote = medianOf(remotes.map((r) => r.m));
      const s3Cells = [String(counted.gets), (counted.gets / (counted.served / 1e6)).toFixed(3), (counted.served / zipBytes).toFixed(4), median(remotes.map((r) => r.serverSeconds)).toFixed(2)];
      console.log(row(`s3://…/export.zip --dry-run${shown}`, remote, median(ratios), median(cpuRatios), s3Cells));
      if (latencyMs > 0) {
        // Latency is added by the proxy, so these runs go through it (once: they show what read-ahead hides).
        const slow = await timedAgainst(server, latencyMs, () => measure(s3RunArgs(server.endpoint), env));
        const cells = [String(slow.gets), (slow.gets / (slow.served / 1e6)).toFixed(3), (slow.served / zipBytes).toFixed(4), slow.serverSeconds.toFixed(2)];
        console.log(row(`s3://… --dry-run${shown}, +${latencyMs} ms per request`, slow.m, slow.m.seconds / local.seconds, slow.m.cpuSeconds / local.cpuSeconds, cells));
      }
    }
    console.log(`\nS3 / local per pair, in run order:\n${pairs.map((p) => `  ${p}`).join('\n')}`);
  } finally {
    await server.stop();
  }
}

await main();
