/**
 * npm run bench: the dry run on generated exports, timed against `unzip -p ZIP > /dev/null` on the same
 * file in the same run, with peak RSS and CPU time of each, then the per-entry cost of each stage
 * (bench/stages.ts). Generates an export first when it is missing (fixtures/generate-large.ts).
 *
 *   npx tsx bench/dry-run.bench.ts [--case small,large] [--messages N] [--runs 1] [--zips N] [--zip PATH]
 *                                  [--sample 20000] [--no-stages] [--cli PATH]
 *
 * Cases (--case, comma-separated; default small,large,s3):
 * - small: 150,000 real-world sized messages (most 2-20 KB, a thin tail of attachments up to 4 MB; the
 *   distribution and why is at smallMessage in fixtures/generate-large.ts). Work per entry shows here.
 * - large: 50,000 messages of about 30 KB (2-200 KB). Work per byte shows here.
 * - s3: the large case's export served by a local S3 server against the same on the local file
 *   (bench/s3.bench.ts, which `npm run bench:s3` runs alone; --runs is passed on, 3 when not given).
 * - tiny: 1,000,000 messages of 400 bytes. Memory per entry shows here: the RSS of the dry run is sampled
 *   as its progress lines pass 100k, 500k and 1M entries (and at the end), so a cost that grows with the
 *   entry count stands out from the bounded in-flight memory.
 * --messages N replaces each case's count (e.g. `--case small --messages 20000` for a quick run).
 * --zips N runs the large case on N copies of the export instead of one (an MSP's many small mailboxes,
 * e.g. `--messages 60 --zips 1000`), against `unzip -p` of each in turn: what costs per zip shows there.
 * --zip PATH measures a given export instead of a generated one; --cli PATH another build's cli.js (to
 * compare with the build before a change: copy dist/ and package.json aside, keeping their layout).
 *
 * The dry run is `node dist/cli.js ZIP --dry-run --json` (npm run bench builds it first); until dist/cli.js
 * exists, bench/scan-only.ts (compiled with tsc into bench/out/) stands in for it. Peak RSS and CPU seconds
 * come from /usr/bin/time (-f '%M %U %S') when present, else from polling /proc/PID/status and /proc/PID/stat.
 * The CPU seconds of the main thread and of the busiest other threads (read workers, V8's GC helpers) are
 * polled from /proc/PID/task: on an idle machine the busiest thread bounds the wall time, so they say
 * what a change did when a shared machine makes the wall time noisy.
 * The machine running this may be shared: interleaved runs (--runs 3) and medians make a burst of CPU
 * steal hit every command alike, but single runs are only good to about ±10 %.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CLOCK_TICKS, measuredPid, threadCpuSeconds } from './proc-threads.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TIME = '/usr/bin/time';

const CASES = { small: 150_000, large: 50_000, tiny: 1_000_000 } as const;
type CaseName = keyof typeof CASES;
/** Entry counts at which the tiny case reports the dry run's RSS. */
const RSS_MARKS = [100_000, 500_000, 1_000_000];

const { values } = parseArgs({
  options: {
    case: { type: 'string' },
    messages: { type: 'string' },
    zip: { type: 'string' },
    runs: { type: 'string' },
    zips: { type: 'string', default: '1' },
    sample: { type: 'string', default: '20000' },
    'no-stages': { type: 'boolean', default: false },
    cli: { type: 'string' },
  },
});
const runs = Math.max(1, Number(values.runs ?? 1));
const zipCount = Math.max(1, Number(values.zips));
const caseNames = (values.case ?? (zipCount > 1 || values.zip !== undefined ? 'large' : 'small,large,s3')).split(',').map((c) => c.trim());
for (const name of caseNames) if (!(name in CASES) && name !== 's3') throw new Error(`--case: unknown case ${name} (small, large, s3, tiny)`);

function exportPath(shape: CaseName, messages: number): string {
  return join(ROOT, 'fixtures', 'large', shape === 'large' ? `export-${messages}.zip` : `export-${shape}-${messages}.zip`);
}

/** The zips to read: the export itself, or `zipCount` hard links to it (distinct paths, one file). */
function zipPaths(zipPath: string, messages: number): string[] {
  if (zipCount === 1) return [zipPath];
  const dir = join(ROOT, 'fixtures', 'large', `export-${messages}-x${zipCount}`);
  mkdirSync(dir, { recursive: true });
  return Array.from({ length: zipCount }, (_, i) => {
    const link = join(dir, `mailbox-${String(i).padStart(5, '0')}.zip`);
    if (!existsSync(link)) linkSync(zipPath, link);
    return link;
  });
}

interface Measurement {
  readonly seconds: number;
  readonly peakRssMb: number;
  readonly cpuSeconds: number;
  readonly exitCode: number | null;
  /** CPU seconds of the main thread, and of each other thread (read workers, V8's helpers, libuv's pool), busiest first. */
  readonly mainCpu: number;
  readonly otherCpu: readonly number[];
  /** Peak RSS so far (VmHWM, MB) as the progress lines passed each entry count. */
  readonly rssAt: ReadonlyArray<{ entries: number; hwmMb: number; rssMb: number }>;
}

function procStatus(pid: number): { hwmKb: number; rssKb: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return { hwmKb: Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0), rssKb: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) };
  } catch {
    return undefined; // exited between polls
  }
}

function procCpuSeconds(pid: number): number | undefined {
  try {
    // after "(comm)": state is field 3, utime 14, stime 15
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/**
 * Runs a command with stdout to /dev/null: wall time, peak RSS and CPU time, and the RSS as its plain
 * progress lines ("scanning: ..., N entries, ...", every 250 ms) pass entry counts.
 */
async function measure(command: string, args: readonly string[]): Promise<Measurement> {
  const devNull = openSync('/dev/null', 'w');
  const useTime = existsSync(TIME);
  const report = join(tmpdir(), `eml-import-bench-${process.pid}.time`);
  const [file, argv] = useTime ? [TIME, ['-f', '%M %U %S', '-o', report, command, ...args]] : [command, [...args]];
  const started = process.hrtime.bigint();
  const child = spawn(file, argv, { stdio: ['ignore', devNull, 'pipe'], cwd: ROOT, env: { ...process.env, EML_IMPORT_PROGRESS_INTERVAL_MS: '250' } });
  const rssAt: Array<{ entries: number; hwmMb: number; rssMb: number }> = [];
  let polledKb = 0;
  let polledCpu = 0;
  let measured: number | undefined;
  // Per thread, because on a shared machine the wall time says little: what bounds the scan on an idle one
  // is its busiest thread (the main thread, or a read worker).
  const threads = new Map<number, number>();
  const poll = setInterval(() => {
    const pid = child.pid === undefined ? undefined : measuredPid(child.pid, useTime);
    if (pid === undefined) return;
    measured = pid;
    polledKb = Math.max(polledKb, procStatus(pid)?.hwmKb ?? 0);
    polledCpu = Math.max(polledCpu, procCpuSeconds(pid) ?? 0);
    threadCpuSeconds(pid, threads);
  }, 50);
  createInterface({ input: child.stderr! }).on('line', (line) => {
    const entries = /scanning: .*?, (\d+) entries/.exec(line)?.[1];
    if (entries === undefined) {
      process.stderr.write(`  ${line}\n`);
      return;
    }
    const pid = child.pid === undefined ? undefined : measuredPid(child.pid, useTime);
    const status = pid === undefined ? undefined : procStatus(pid);
    if (status) rssAt.push({ entries: Number(entries), hwmMb: status.hwmKb / 1024, rssMb: status.rssKb / 1024 });
  });
  const exitCode = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(poll);
  closeSync(devNull);
  let peakKb = polledKb;
  let cpuSeconds = polledCpu;
  if (useTime) {
    const [rss, user, system] = (readFileSync(report, 'utf8').trim().split('\n').pop() ?? '').split(' ').map(Number);
    peakKb = rss ?? NaN;
    cpuSeconds = (user ?? NaN) + (system ?? NaN);
    rmSync(report, { force: true });
  }
  const mainCpu = measured === undefined ? NaN : (threads.get(measured) ?? NaN);
  const otherCpu = [...threads].filter(([tid]) => tid !== measured).map(([, cpu]) => cpu).sort((a, b) => b - a);
  return { seconds, peakRssMb: peakKb / 1024, cpuSeconds, exitCode, rssAt, mainCpu, otherCpu };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return Number.isInteger(mid) ? ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2 : (sorted[Math.floor(mid)] ?? NaN);
}

function ensureExport(shape: CaseName, messages: number, zipPath: string): void {
  if (existsSync(zipPath)) return;
  console.log(`generating ${zipPath} (${shape}, ${messages} messages; takes a few minutes)...`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'fixtures/generate-large.ts', '--shape', shape, '--messages', String(messages), '--out', zipPath], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('generating the export failed');
}

interface Row {
  readonly label: string;
  readonly command: string;
  readonly args: string[];
}

/**
 * The dry-run command: the CLI when built, else the compiled scan-only stand-in. With `withReport`, the
 * run also writes its report folder (messages.csv and the rest), as an admin's dry run does: the issue's
 * ratios are without it, the report's own cost shows in the difference.
 */
function dryRunCommand(zips: readonly string[], headersOnly: boolean, withReport = false): Row | undefined {
  const cli = values.cli ?? join(ROOT, 'dist', 'cli.js');
  const flag = headersOnly ? ['--headers-only'] : [];
  const shown = zips.length === 1 ? 'ZIP' : `${zips.length} ZIPs`;
  if (existsSync(cli)) {
    const report = withReport ? ['--report', REPORT_DIR] : [];
    const label = `node ${values.cli ?? 'dist/cli.js'} ${shown} --dry-run${headersOnly ? ' --headers-only' : ''} --json${withReport ? ' --report DIR' : ''}`;
    return { label, command: process.execPath, args: [cli, ...zips, '--dry-run', ...flag, '--json', ...report] };
  }
  if (withReport) return undefined;
  const compiled = join(ROOT, 'bench', 'out', 'bench', 'scan-only.js');
  if (!existsSync(compiled)) {
    const tsc = spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), 'bench/scan-only.ts', '--outDir', 'bench/out', '--rootDir', '.', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', '--esModuleInterop', '--types', 'node', '--ignoreConfig'],
      { cwd: ROOT, stdio: 'inherit' },
    );
    if (tsc.status !== 0) throw new Error('compiling bench/scan-only.ts failed');
  }
  return { label: `node bench/out/bench/scan-only.js ${shown}${headersOnly ? ' --headers-only' : ''} (dist/cli.js not built)`, command: process.execPath, args: [compiled, ...zips, ...flag] };
}

/** Where the dry run with --report writes; removed at the end. */
const REPORT_DIR = join(tmpdir(), `eml-import-bench-report-${process.pid}`);

/** The RSS samples nearest past each mark, and the last one (the scan's end). */
function rssReport(samples: ReadonlyArray<{ entries: number; hwmMb: number; rssMb: number }>, entries: number): string {
  const marks = RSS_MARKS.filter((m) => m < entries);
  const picked = marks.map((mark) => samples.find((s) => s.entries >= mark)).filter((s) => s !== undefined);
  const last = samples.at(-1);
  if (last !== undefined && !picked.includes(last)) picked.push(last);
  return picked.map((s) => `${s.entries.toLocaleString('en')} entries: RSS ${s.rssMb.toFixed(0)} MB (peak so far ${s.hwmMb.toFixed(0)} MB)`).join('; ');
}

async function runCase(shape: CaseName): Promise<void> {
  const messages = values.messages === undefined ? CASES[shape] : Number(values.messages);
  const zipPath = values.zip ?? exportPath(shape, messages);
  if (values.zip === undefined) ensureExport(shape, messages, zipPath);
  const zips = zipPaths(zipPath, messages);
  const entries = messages * zips.length;
  const unzip: Row =
    zips.length === 1
      ? { label: 'unzip -p ZIP > /dev/null', command: 'unzip', args: ['-p', zipPath] }
      : { label: `unzip -p each of ${zips.length} ZIPs > /dev/null`, command: 'sh', args: ['-c', 'for z; do unzip -p "$z" || exit $?; done', 'sh', ...zips] };
  const rows = [unzip, dryRunCommand(zips, false), dryRunCommand(zips, true), dryRunCommand(zips, false, true)].filter((row) => row !== undefined);
  // A large zip is read on worker threads, as many as the cores allow (src/source/scan.ts).
  console.log(`\n## ${values.zip === undefined ? shape : 'given'}: ${zipPath}${zips.length === 1 ? '' : ` x ${zips.length}`}, ${entries.toLocaleString('en')} entries, cores: ${availableParallelism()}`);
  const results = rows.map((row) => ({ label: row.label, seconds: [] as number[], rss: [] as number[], cpu: [] as number[], main: [] as number[], others: [] as string[], rssAt: [] as Measurement['rssAt'][] }));
  // Interleaved, so that a burst of CPU steal hits every command alike.
  for (let run = 0; run < runs; run++) {
    for (const [i, row] of rows.entries()) {
      const m = await measure(row.command, row.args);
      if (m.exitCode !== 0 && !(row === unzip && m.exitCode === 1)) console.log(`  ${row.label}: exit code ${m.exitCode}`);
      results[i]!.seconds.push(m.seconds);
      results[i]!.rss.push(m.peakRssMb);
      results[i]!.cpu.push(m.cpuSeconds);
      results[i]!.rssAt.push(m.rssAt);
      results[i]!.main.push(m.mainCpu);
      results[i]!.others.push(m.otherCpu.slice(0, 3).map((x) => x.toFixed(1)).join(' + '));
    }
  }
  const baseline = median(results[0]!.seconds);
  console.log('\n| command | runs (s) | median s | ratio vs unzip | µs per entry | CPU s per 1,000 entries | main thread CPU s | busiest other threads CPU s | peak RSS MB |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    const s = median(r.seconds);
    const cpu = median(r.cpu);
    console.log(
      `| ${r.label} | ${r.seconds.map((x) => x.toFixed(2)).join(', ')} | ${s.toFixed(2)} | ${(s / baseline).toFixed(2)} | ${((s * 1e6) / entries).toFixed(1)} | ${((cpu * 1000) / entries).toFixed(3)} | ${median(r.main).toFixed(1)} | ${r.others.at(-1) ?? ''} | ${Math.max(...r.rss).toFixed(0)} |`,
    );
  }
  if (shape === 'tiny' || entries >= RSS_MARKS[0]!) {
    for (const r of results.slice(1)) {
      const samples = r.rssAt.at(-1) ?? [];
      if (samples.length > 0) console.log(`RSS of ${r.label}: ${rssReport(samples, entries)}`);
    }
  }
  if (!values['no-stages']) {
    const stages = spawnSync(process.execPath, ['--import', 'tsx', 'bench/stages.ts', zipPath, '--sample', values.sample], { cwd: ROOT, stdio: 'inherit' });
    if (stages.status !== 0) console.log('  bench/stages.ts failed');
  }
}

/** The S3 case: bench/s3.bench.ts on the large case's export (generated first when missing). */
function runS3Case(): void {
  const messages = Number(values.messages ?? CASES.large);
  const zipPath = values.zip ?? exportPath('large', messages);
  ensureExport('large', messages, zipPath);
  console.log(`\n## s3: ${zipPath} from a local S3 server against the local file`);
  const s3 = spawnSync(process.execPath, ['--import', 'tsx', 'bench/s3.bench.ts', '--zip', zipPath, '--runs', String(values.runs ?? 3)], { cwd: ROOT, stdio: 'inherit' });
  if (s3.status !== 0) console.log('  bench/s3.bench.ts failed');
}

try {
  for (const name of caseNames) {
    if (name === 's3') runS3Case();
    else await runCase(name as CaseName);
  }
} finally {
  rmSync(REPORT_DIR, { recursive: true, force: true });
}
