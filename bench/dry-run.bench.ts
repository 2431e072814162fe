/**
 * npm run bench: the dry run on a large generated export, timed against `unzip -p ZIP > /dev/null` on the
 * same file in the same run, with peak RSS of each. Generates the export first when it is missing.
 *
 *   npx tsx bench/dry-run.bench.ts [--messages 50000] [--zip PATH] [--runs 1] [--zips N]
 *
 * --zips N runs on N copies of the export instead of one (an MSP's many small mailboxes, e.g.
 * `--messages 60 --zips 1000`), against `unzip -p` of each in turn: what costs per zip shows there.
 *
 * The dry run is `node dist/cli.js ZIP --dry-run --json` (build with `npm run build`); until dist/cli.js
 * exists, bench/scan-only.ts (compiled with tsc into bench/out/) stands in for it. Peak RSS comes from
 * /usr/bin/time -f %M when present, else from polling VmHWM in /proc/PID/status.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TIME = '/usr/bin/time';

const { values } = parseArgs({
  options: { messages: { type: 'string', default: '50000' }, zip: { type: 'string' }, runs: { type: 'string', default: '1' }, zips: { type: 'string', default: '1' } },
});
const messages = Number(values.messages);
const runs = Math.max(1, Number(values.runs));
const zipCount = Math.max(1, Number(values.zips));
const zipPath = values.zip ?? join(ROOT, 'fixtures', 'large', `export-${messages}.zip`);

/** The zips to read: the export itself, or `zipCount` hard links to it (distinct paths, one file). */
function zipPaths(): string[] {
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
  readonly exitCode: number | null;
}

/** Runs a command with stdout to /dev/null; wall time and peak RSS. */
async function measure(command: string, args: readonly string[]): Promise<Measurement> {
  const devNull = openSync('/dev/null', 'w');
  const useTime = existsSync(TIME);
  const report = join(tmpdir(), `eml-import-bench-${process.pid}.time`);
  const [file, argv] = useTime ? [TIME, ['-f', '%M', '-o', report, command, ...args]] : [command, [...args]];
  const started = process.hrtime.bigint();
  const child = spawn(file, argv, { stdio: ['ignore', devNull, 'inherit'], cwd: ROOT });
  let polledKb = 0;
  const poll = useTime
    ? undefined
    : setInterval(() => {
        try {
          const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
          polledKb = Math.max(polledKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
        } catch {
          // exited between polls
        }
      }, 20);
  const exitCode = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (poll) clearInterval(poll);
  closeSync(devNull);
  let peakKb = polledKb;
  if (useTime) {
    peakKb = Number(readFileSync(report, 'utf8').trim().split('\n').pop());
    rmSync(report, { force: true });
  }
  return { seconds, peakRssMb: peakKb / 1024, exitCode };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return Number.isInteger(mid) ? ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2 : (sorted[Math.floor(mid)] ?? NaN);
}

function ensureExport(): void {
  if (existsSync(zipPath)) return;
  console.log(`generating ${zipPath} (${messages} messages; takes a few minutes)...`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'fixtures/generate-large.ts', '--messages', String(messages), '--out', zipPath], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('generating the large export failed');
}

/** The dry-run command: the CLI when built, else the compiled scan-only stand-in. */
function dryRunCommand(zips: readonly string[], headersOnly: boolean): { label: string; command: string; args: string[] } {
  const cli = join(ROOT, 'dist', 'cli.js');
  const flag = headersOnly ? ['--headers-only'] : [];
  const shown = zips.length === 1 ? 'ZIP' : `${zips.length} ZIPs`;
  if (existsSync(cli)) {
    return { label: `node dist/cli.js ${shown} --dry-run${headersOnly ? ' --headers-only' : ''} --json`, command: process.execPath, args: [cli, ...zips, '--dry-run', ...flag, '--json'] };
  }
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

async function main(): Promise<void> {
  ensureExport();
  const zips = zipPaths();
  const unzip =
    zips.length === 1
      ? { label: 'unzip -p ZIP > /dev/null', command: 'unzip', args: ['-p', zipPath] }
      : { label: `unzip -p each of ${zips.length} ZIPs > /dev/null`, command: 'sh', args: ['-c', 'for z; do unzip -p "$z" || exit $?; done', 'sh', ...zips] };
  const rows: Array<{ label: string; command: string; args: string[] }> = [unzip, dryRunCommand(zips, false), dryRunCommand(zips, true)];
  // A large zip is read on worker threads, as many as the cores allow (src/source/scan.ts).
  console.log(`export: ${zipPath}${zips.length === 1 ? '' : ` x ${zips.length}`}\ncores: ${availableParallelism()}`);
  const results: Array<{ label: string; seconds: number[]; rss: number[] }> = rows.map((row) => ({ label: row.label, seconds: [], rss: [] }));
  // Interleaved, so that a burst of CPU steal hits every command alike.
  for (let run = 0; run < runs; run++) {
    for (const [i, row] of rows.entries()) {
      const m = await measure(row.command, row.args);
      if (m.exitCode !== 0 && !(row === unzip && m.exitCode === 1)) console.log(`  ${row.label}: exit code ${m.exitCode}`);
      results[i]!.seconds.push(m.seconds);
      results[i]!.rss.push(m.peakRssMb);
    }
  }
  const baseline = median(results[0]!.seconds);
  console.log('\n| command | runs (s) | median s | ratio vs unzip | peak RSS MB |');
  console.log('|---|---|---|---|---|');
  for (const r of results) {
    const s = median(r.seconds);
    console.log(`| ${r.label} | ${r.seconds.map((x) => x.toFixed(2)).join(', ')} | ${s.toFixed(2)} | ${(s / baseline).toFixed(2)} | ${Math.max(...r.rss).toFixed(0)} |`);
  }
}

await main();
