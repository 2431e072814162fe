/**
 * npm run bench:import: the real CLI (dist/cli.js, a child process) imports generated export zips into
 * the in-process Graph emulator with Outlook's per app+mailbox limits, time-scaled, and Exchange-like
 * latency (150–400 ms). For each mailbox it prints the messages per second achieved over the upload phase
 * against the ceiling the limits allow, the share of requests answered 429 and the highest concurrency
 * the emulator saw; then how close N mailboxes in parallel come to N times one.
 *
 *   npm run bench:import [-- --scenario latency,requests,bytes] [--parallel 4] [--messages N] [--full] [--json FILE] [--cpu-prof DIR] [--keep]
 *
 * --cpu-prof DIR runs the CLI under node --cpu-prof (profiles in DIR); --keep keeps the temp folder.
 *
 * Three scenarios, so that each limit binds in one of them:
 * - latency:  Outlook's limits at timeScale 0.05; realistic sizes. 4 in flight / 275 ms mean latency binds.
 * - requests: Outlook's limits at timeScale 2 (windows longer, not shorter) with 5–20 KB messages. With
 *             Outlook's own ratios the request budget binds only below ~31.5 KB per request and only when
 *             10,000 / (600 s x scale) < 4 / 275 ms, i.e. scale > 1.15. The run is a small part of one
 *             window, so it measures the governor's own pacing; the emulator never has to say 429.
 * - bytes:    Outlook's limits at timeScale 0.1 (150 MiB per 30 s) with 300–700 KB messages; bytes bind.
 * - requests-tight: the emulator allows 120 requests per 12 s (timeScale 0.02) while the importer's
 *             governor, which has no way to be told other limits, assumes Outlook's: only 429 +
 *             Retry-After can pace it. Shows the reactive path. The emulator's windows are fixed, so a
 *             client that bursts at a window's start can beat the steady ceiling slightly (>100%).
 * Single-mailbox and N-mailbox runs of latency and requests; bytes and requests-tight run single only
 * unless --full.
 *
 * Ceiling per mailbox = min(concurrency / mean latency, requestsPerWindow / window,
 * bytesPerWindow / window / mean base64 request bytes), one importMime request per message.
 * Achieved = (importMime answers - 1) / (last importMime answer - first importMime answer): the upload
 * phase only. Scan, token, preflight, folder creation and the first inventory listing come before it and
 * are reported separately as time per phase.
 *
 * Where the time goes: the emulator's arrival and answer of every request are stamped (bench-only wrappers
 * of MailboxLimits.arrive and RequestLog.record, see import/timeline.ts), giving the mean number in flight
 * at the server and, by Little's law, the server time per request and how long each slot sits idle at
 * the client between an answer and the next request. CPU of the CLI and of the emulator, and the machine's
 * load average, are printed with every run: on a busy 2-core machine the latency-bound numbers move a lot.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_LIMITS } from '../test/emulator/options.js';
import { runScenario, type RunResult, type Scenario } from './import/run.js';

const LATENCY = { min: 150, max: 400 };
const TARGET_SHARE = 0.9;
const TARGET_429 = 0.01;

const SCENARIOS: readonly Scenario[] = [
  {
    name: 'latency',
    what: "Outlook's limits, timeScale 0.05, realistic sizes: 4 concurrent / mean latency binds",
    timeScale: 0.05,
    limits: { ...DEFAULT_LIMITS },
    latencyMs: LATENCY,
    messagesPerMailbox: 400,
    mix: 'realistic',
  },
  {
    name: 'requests',
    what: "Outlook's limits, timeScale 2 (10,000 per 1,200 s = 8.3/s), 5–20 KB messages: the request budget binds",
    timeScale: 2,
    limits: { ...DEFAULT_LIMITS },
    latencyMs: LATENCY,
    messagesPerMailbox: 300,
    mix: 'small',
  },
  {
    name: 'bytes',
    what: "Outlook's limits, timeScale 0.1 (150 MiB per 30 s), 300–700 KB messages: the byte budget binds",
    timeScale: 0.1,
    limits: { ...DEFAULT_LIMITS },
    latencyMs: LATENCY,
    messagesPerMailbox: 250,
    mix: 'large',
  },
  {
    name: 'requests-tight',
    what: 'emulator stricter than the importer knows: 120 requests per 12 s (timeScale 0.02); only 429 + Retry-After can pace it',
    timeScale: 0.02,
    limits: { ...DEFAULT_LIMITS, requestsPerWindow: 120 },
    latencyMs: LATENCY,
    messagesPerMailbox: 300,
    mix: 'realistic',
  },
];

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: SCENARIOS.map((s) => s.name).join(',') },
    parallel: { type: 'string', default: '4' },
    messages: { type: 'string' },
    full: { type: 'boolean', default: false },
    json: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
  },
});
const wanted = new Set((values.scenario ?? '').split(',').map((s) => s.trim()));
const parallel = Math.max(2, Number(values.parallel));
const nodeFlags = values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', values['cpu-prof']] : [];
const work = mkdtempSync(join(tmpdir(), 'eml-import-bench-'));

const f1 = (n: number): string => (Number.isFinite(n) ? n.toFixed(1) : '-');
const pct = (n: number): string => (Number.isFinite(n) ? `${(n * 100).toFixed(1)}%` : '-');
const sec = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const pad = (s: string, n: number): string => s.padStart(n);

function printRun(run: RunResult): void {
  const s = run.scenario;
  console.log(`\n── ${s.name} x${run.parallel}: ${s.what}`);
  console.log(`   ${run.command}`);
  console.log(
    `   exit ${run.exitCode}; wall ${sec(run.wallMs)} = start-up+scan ${sec(run.startupScanMs)} + token/preflight/folders/listing ${sec(run.setupMs)}` +
      ` + uploads ${sec(run.uploadMs)} + report/exit ${sec(run.tailMs)}`,
  );
  if (run.cliRunLine) console.log(`   CLI: ${run.cliRunLine}`);
  console.log(`   CPU: emulator+bench ${run.cpu.emulatorS.toFixed(1)} s, CLI ${run.cpu.cliS.toFixed(1)} s over ${sec(run.wallMs)} wall (2 cores = ${(2 * run.wallMs / 1000).toFixed(0)} s); load average ${run.load[0].toFixed(1)} → ${run.load[1].toFixed(1)} on ${cpus().length} cores`);
  for (const u of run.unexpected.slice(0, 8)) console.log(`   unexpected answer: ${u}`);
  console.log(`   answers by status: ${Object.entries(run.statusCounts).map(([k, v]) => `${k}:${v}`).join(' ')}`);
  console.log(
    `   ${'mailbox'.padEnd(30)} ${pad('msgs', 5)} ${pad('KB/msg', 7)} ${pad('msg/s', 6)} ${pad('ceiling', 8)} ${pad('binds', 11)} ${pad('% ceil', 7)}` +
      ` ${pad('reqs', 5)} ${pad('other', 5)} ${pad('429', 4)} ${pad('429 %', 6)} ${pad('maxConc', 7)} ${pad('upload', 7)} ${pad('stalls', 7)}`,
  );
  for (const m of run.mailboxes) {
    console.log(
      `   ${m.mailbox.padEnd(30)} ${pad(String(m.arrived), 5)} ${pad(f1(m.meanRawBytes / 1024), 7)} ${pad(f1(m.rate), 6)} ${pad(f1(m.ceiling.value), 8)}` +
        ` ${pad(m.ceiling.binding, 11)} ${pad(pct(m.rate / m.ceiling.value), 7)} ${pad(String(m.requests), 5)} ${pad(String(m.otherRequests), 5)}` +
        ` ${pad(String(m.throttled), 4)} ${pad(`${((100 * m.throttled) / m.requests).toFixed(2)}%`, 6)} ${pad(String(m.maxConcurrency), 7)} ${pad(sec(m.uploadMs), 7)} ${pad(sec(m.stalledMs), 7)}`,
    );
    const c = m.ceiling;
    console.log(
      `     bounds msg/s: concurrency ${f1(c.concurrency)}, requests ${f1(c.requests)}, bytes ${f1(c.bytes)} (mean request ${f1(m.meanRequestBytes / 1024)} KB);` +
        ` 429s in setup ${m.throttledByPhase.setup}, in uploads ${m.throttledByPhase.upload}; other requests during uploads ${m.otherDuringUpload}; largest gap ${sec(m.largestGapMs)}`,
    );
    console.log(
      `     at the emulator: ${m.meanInFlight.toFixed(2)} requests in flight on average (of ${s.limits.concurrency}), ${m.serverMsPerRequest.toFixed(0)} ms per request;` +
        ` so each slot idles ${(((m.ceiling.concurrency > 0 ? s.limits.concurrency : 0) / m.rate) * 1000 - m.serverMsPerRequest).toFixed(0)} ms between answer and next arrival`,
    );
    console.log(`     largest gap between importMime answers ${sec(m.largestGapMs)}, ${m.largestGapContext}`,
    );
  }
  for (const p of run.problems) console.log(`   PROBLEM: ${p}`);
}

const results: RunResult[] = [];
const started = Date.now();
try {
  for (const base of SCENARIOS) {
    if (!wanted.has(base.name)) continue;
    const scenario = values.messages ? { ...base, messagesPerMailbox: Number(values.messages) } : base;
    const single = await runScenario(scenario, 1, work, nodeFlags);
    printRun(single);
    results.push(single);
    if ((scenario.name === 'bytes' || scenario.name === 'requests-tight') && !values.full) continue;
    const many = await runScenario(scenario, parallel, work, nodeFlags);
    printRun(many);
    results.push(many);
  }

  console.log(`\n══ Summary (targets: ≥ ${pct(TARGET_SHARE)} of ceiling, < ${pct(TARGET_429)} answered 429)`);
  let failed = false;
  for (const run of results) {
    const shares = run.mailboxes.map((m) => m.rate / m.ceiling.value);
    const worst = Math.min(...shares);
    const requests = run.mailboxes.reduce((n, m) => n + m.requests, 0);
    const throttled = run.mailboxes.reduce((n, m) => n + m.throttled, 0);
    const ok = worst >= TARGET_SHARE && throttled / requests < TARGET_429 && run.problems.length === 0;
    failed ||= !ok;
    console.log(
      `   ${`${run.scenario.name} x${run.parallel}`.padEnd(14)} binds ${run.mailboxes[0]?.ceiling.binding.padEnd(11)} per mailbox ${run.mailboxes.map((m) => f1(m.rate)).join('/')} msg/s` +
        ` of ${f1(run.mailboxes[0]?.ceiling.value ?? NaN)} (worst ${pct(worst)}), 429 ${throttled}/${requests} = ${(100 * throttled / requests).toFixed(2)}%` +
        `${run.problems.length ? `, ${run.problems.length} problem(s)` : ''}  ${ok ? 'OK' : 'BELOW TARGET'}`,
    );
  }
  for (const base of SCENARIOS) {
    const one = results.find((r) => r.scenario.name === base.name && r.parallel === 1);
    const many = results.find((r) => r.scenario.name === base.name && r.parallel > 1);
    if (!one || !many) continue;
    const singleRate = one.mailboxes[0]?.rate ?? NaN;
    console.log(
      `   ${base.name}: ${many.parallel} mailboxes together ${f1(many.aggregateRate)} msg/s vs ${many.parallel} x ${f1(singleRate)} = ${f1(many.parallel * singleRate)}` +
        ` → ${pct(many.aggregateRate / (many.parallel * singleRate))} of N x one`,
    );
  }
  console.log(`   bench wall time ${sec(Date.now() - started)}`);
  if (values.json) writeFileSync(values.json, JSON.stringify(results, null, 2));
  process.exitCode = failed ? 1 : 0;
} finally {
  if (!values.keep) rmSync(work, { recursive: true, force: true });
  else console.log(`work folder kept: ${work}`);
}
