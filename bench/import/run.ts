/**
 * One benchmark run: a fresh emulator with the scenario's limits, the real CLI as a child process against
 * it, then the checks (exit 0, every message arrived, no drafts) and the measurements.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startEmulator, type LatencyOptions, type LimitOptions } from '../../test/emulator/index.js';
import { writeExportZip, type GeneratedZip, type SizeMix } from './generate.js';
import { installTimeline, mark, meanInFlight, serverErrorBodies, since, type TimedRequest } from './timeline.js';

export interface Scenario {
  readonly name: string;
  readonly what: string;
  readonly timeScale: number;
  readonly limits: LimitOptions;
  readonly latencyMs: LatencyOptions;
  readonly messagesPerMailbox: number;
  readonly mix: SizeMix;
}

export interface Ceiling {
  readonly concurrency: number;
  readonly requests: number;
  readonly bytes: number;
  readonly value: number;
  readonly binding: 'concurrency' | 'requests' | 'bytes';
}

export interface MailboxResult {
  readonly mailbox: string;
  readonly messages: number;
  readonly arrived: number;
  readonly drafts: number;
  readonly meanRawBytes: number;
  readonly meanRequestBytes: number;
  readonly ceiling: Ceiling;
  /** First to last importMime answer, ms. */
  readonly uploadMs: number;
  readonly firstUploadAt: number;
  readonly lastUploadAt: number;
  /** (answered importMime - 1) / upload span: the rate over the upload phase. */
  readonly rate: number;
  readonly requests: number;
  readonly importMimeRequests: number;
  readonly otherRequests: number;
  /** Non-importMime requests answered between the first and last importMime answer. */
  readonly otherDuringUpload: number;
  readonly throttled: number;
  readonly throttledByPhase: { readonly setup: number; readonly upload: number };
  readonly maxConcurrency: number;
  /** Sum of gaps over 1 s between consecutive importMime answers (uploads stalled), ms. */
  readonly stalledMs: number;
  readonly largestGapMs: number;
  /** Where the largest gap was and which other requests of this mailbox were answered inside it. */
  readonly largestGapContext: string;
  /** Mean requests in flight at the emulator over the upload phase (4 = every slot always busy). */
  readonly meanInFlight: number;
  /** Mean time from arrival to answer at the emulator for importMime, ms. */
  readonly serverMsPerRequest: number;
}

export interface RunResult {
  readonly scenario: Scenario;
  readonly parallel: number;
  readonly command: string;
  readonly exitCode: number | null;
  readonly wallMs: number;
  /** Child start to its first request (token): process start-up and the zip scan. */
  readonly startupScanMs: number;
  /** First request to the first importMime answer: token, preflight, folders, inventory listing. */
  readonly setupMs: number;
  /** First importMime answer of any mailbox to the last. */
  readonly uploadMs: number;
  /** Last importMime answer to the child's exit: report, ledger close. */
  readonly tailMs: number;
  readonly mailboxes: readonly MailboxResult[];
  readonly aggregateRate: number;
  readonly statusCounts: Record<string, number>;
  readonly cliRunLine: string;
  /** Answers other than 2xx and 429, by method and path. */
  readonly unexpected: readonly string[];
  /** CPU seconds: the bench process (emulator) and the CLI child (user + system). */
  readonly cpu: { readonly emulatorS: number; readonly cliS: number };
  /** 1-minute load average at start and end: other work on the machine competes for its cores. */
  readonly load: readonly [number, number];
  readonly problems: readonly string[];
}

const ROOT = join(import.meta.dirname, '..', '..');

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

/** The rate the limits allow one mailbox, messages per second, with one importMime request per message. */
export function ceilingFor(scenario: Scenario, meanRequestBytes: number): Ceiling {
  const { limits, timeScale, latencyMs } = scenario;
  const concurrency = limits.concurrency / (((latencyMs.min + latencyMs.max) / 2) / 1000);
  const requests = limits.requestsPerWindow / ((limits.requestWindowMs * timeScale) / 1000);
  const bytes = limits.bytesPerWindow / ((limits.bytesWindowMs * timeScale) / 1000) / meanRequestBytes;
  const value = Math.min(concurrency, requests, bytes);
  const binding = value === concurrency ? 'concurrency' : value === requests ? 'requests' : 'bytes';
  return { concurrency, requests, bytes, value, binding };
}

const zipCache = new Map<string, Promise<GeneratedZip>>();

function zipFor(dir: string, mailbox: string, scenario: Scenario, seed: number): Promise<GeneratedZip> {
  const key = `${mailbox}-${scenario.messagesPerMailbox}-${scenario.mix}-${seed}`;
  let zip = zipCache.get(key);
  if (!zip) {
    const path = join(dir, `${key}.zip`);
    zip = writeExportZip(path, mailbox, scenario.messagesPerMailbox, scenario.mix, seed);
    zipCache.set(key, zip);
  }
  return zip;
}

function base64Bytes(raw: number): number {
  return Math.ceil(raw / 3) * 4;
}

let runCounter = 0;

export async function runScenario(scenario: Scenario, parallel: number, work: string, nodeFlags: readonly string[] = []): Promise<RunResult> {
  installTimeline();
  const runId = ++runCounter;
  const runDir = join(work, `run-${runId}-${scenario.name}-x${parallel}`);
  mkdirSync(runDir, { recursive: true });
  const zipDir = join(work, 'zips');
  if (!existsSync(zipDir)) mkdirSync(zipDir, { recursive: true });
  const mailboxes = Array.from({ length: parallel }, (_, i) => `user${i + 1}@contoso.onmicrosoft.com`);
  const zips = await Promise.all(mailboxes.map((mailbox, i) => zipFor(zipDir, mailbox, scenario, 1000 + i)));
  const mapCsv = join(runDir, 'map.csv');
  writeFileSync(mapCsv, `zip,mailbox\n${zips.map((z, i) => `${z.path},${mailboxes[i]}`).join('\n')}\n`);

  const emulator = await startEmulator({
    mailboxes,
    timeScale: scenario.timeScale,
    limits: scenario.limits,
    latencyMs: scenario.latencyMs,
    seed: 42 + runId,
  });
  const problems: string[] = [];
  try {
    const args = [
      ...nodeFlags,
      join(ROOT, 'dist', 'cli.js'),
      ...zips.map((z) => z.path),
      '--tenant', emulator.tenant,
      '--client-id', emulator.clientId,
      '--authority-host', emulator.url,
      '--graph-url', emulator.url,
      '--map', mapCsv,
      '--state', join(runDir, 'state'),
      '--json',
      '--no-progress',
      '--parallel', String(parallel),
    ];
    const env = {
      ...process.env,
      NODE_EXTRA_CA_CERTS: emulator.caFile,
      EML_IMPORT_CLIENT_SECRET: emulator.clientSecret,
      EML_IMPORT_TIME_SCALE: String(scenario.timeScale),
    };
    const command = `EML_IMPORT_TIME_SCALE=${scenario.timeScale} node dist/cli.js <${parallel} zip(s)> --map map.csv --json --no-progress --parallel ${parallel} …`;
    const from = mark();
    const errorsFrom = serverErrorBodies.length;
    const timeFile = join(runDir, 'time.txt');
    const cpuBefore = process.cpuUsage();
    const loadBefore = loadavg()[0] ?? NaN;
    const started = performance.now();
    const child = spawn('/usr/bin/time', ['-f', '%U %S', '-o', timeFile, process.execPath, ...args], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exitCode = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const ended = performance.now();
    const cpuUsed = process.cpuUsage(cpuBefore);
    const requests = since(from);
    let cliS = NaN;
    try {
      cliS = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number).reduce((a, b) => a + b, 0);
    } catch {
      // no /usr/bin/time output
    }

    if (exitCode !== 0) problems.push(`exit status ${exitCode}: ${stderr.trim().split('\n').slice(-5).join(' | ')}`);
    let imported = -1;
    try {
      const json = JSON.parse(stdout) as { totals?: { imported?: number; failed?: number; pending?: number } };
      imported = json.totals?.imported ?? -1;
      if ((json.totals?.failed ?? 0) > 0 || (json.totals?.pending ?? 0) > 0) problems.push(`report: ${json.totals?.failed} failed, ${json.totals?.pending} pending`);
    } catch {
      problems.push(`stdout is not the JSON report: ${stdout.slice(0, 200)}`);
    }
    const expectedTotal = zips.reduce((n, z) => n + z.messages, 0);
    if (imported !== expectedTotal) problems.push(`report says ${imported} imported, expected ${expectedTotal}`);

    const results = mailboxes.map((mailbox, i) => measureMailbox(scenario, mailbox, zips[i] as GeneratedZip, requests, emulator.inspect, problems));
    const uploads = requests.filter((r) => r.kind === 'importMime' && r.status >= 200 && r.status < 300);
    const firstRequest = requests[0]?.at ?? ended;
    const firstUpload = Math.min(...results.map((r) => r.firstUploadAt));
    const lastUpload = Math.max(...results.map((r) => r.lastUploadAt));
    const statusCounts: Record<string, number> = {};
    for (const r of requests) statusCounts[String(r.status)] = (statusCounts[String(r.status)] ?? 0) + 1;
    return {
      scenario,
      parallel,
      command,
      exitCode,
      wallMs: ended - started,
      startupScanMs: firstRequest - started,
      setupMs: firstUpload - firstRequest,
      uploadMs: lastUpload - firstUpload,
      tailMs: ended - lastUpload,
      mailboxes: results,
      aggregateRate: (uploads.length - 1) / ((lastUpload - firstUpload) / 1000),
      statusCounts,
      unexpected: [
        ...requests.filter((r) => (r.status < 200 || r.status >= 300) && r.status !== 429).map((r) => `${r.status} ${r.method} ${r.path}`),
        ...serverErrorBodies.slice(errorsFrom).map((body) => `5xx body: ${body}`),
      ],
      load: [loadBefore, loadavg()[0] ?? NaN],
      cpu: { emulatorS: (cpuUsed.user + cpuUsed.system) / 1e6, cliS },
      cliRunLine: stderr.split('\n').find((line) => line.startsWith('Graph:')) ?? '',
      problems,
    };
  } finally {
    await emulator.close();
  }
}

function measureMailbox(
  scenario: Scenario,
  mailbox: string,
  zip: GeneratedZip,
  all: readonly TimedRequest[],
  inspect: Awaited<ReturnType<typeof startEmulator>>['inspect'],
  problems: string[],
): MailboxResult {
  const mine = all.filter((r) => r.mailbox === mailbox);
  const uploads = mine.filter((r) => r.kind === 'importMime' && r.status >= 200 && r.status < 300);
  const arrivedMessages = inspect.messages(mailbox);
  const drafts = arrivedMessages.filter((m) => m.isDraft).length;
  if (arrivedMessages.length !== zip.messages) problems.push(`${mailbox}: ${arrivedMessages.length} messages arrived, expected ${zip.messages}`);
  if (drafts > 0) problems.push(`${mailbox}: ${drafts} drafts`);
  const meanRequestBytes = mean(zip.sizes.map(base64Bytes));
  const first = uploads[0]?.at ?? NaN;
  const last = uploads[uploads.length - 1]?.at ?? NaN;
  let stalledMs = 0;
  let largestGapMs = 0;
  let gapAt = 0;
  for (let i = 1; i < uploads.length; i++) {
    const gap = (uploads[i] as TimedRequest).at - (uploads[i - 1] as TimedRequest).at;
    if (gap > largestGapMs) gapAt = i;
    largestGapMs = Math.max(largestGapMs, gap);
    if (gap > 1000) stalledMs += gap;
  }
  const throttled = mine.filter((r) => r.status === 429);
  const gapStart = uploads[gapAt - 1]?.at ?? first;
  const gapEnd = uploads[gapAt]?.at ?? first;
  const inGap = mine.filter((r) => r.kind !== 'importMime' && r.at > gapStart && r.at < gapEnd);
  const short = (path: string): string => path.replace(/^.*\/users\/[^/]+/, '').replace(/\/mailFolders\/[^/]+/g, '/mailFolders/…');
  const largestGapContext =
    `after upload #${gapAt} (+${((gapStart - first) / 1000).toFixed(1)} s); other requests answered in it: ` +
    (inGap.length === 0 ? 'none' : inGap.map((r) => `${r.method} ${short(r.path)} ${r.status}`).join(', '));
  return {
    mailbox,
    messages: zip.messages,
    arrived: arrivedMessages.length,
    drafts,
    meanRawBytes: mean(zip.sizes),
    meanRequestBytes,
    ceiling: ceilingFor(scenario, meanRequestBytes),
    uploadMs: last - first,
    firstUploadAt: first,
    lastUploadAt: last,
    rate: (uploads.length - 1) / ((last - first) / 1000),
    requests: mine.length,
    importMimeRequests: mine.filter((r) => r.kind === 'importMime').length,
    otherRequests: mine.filter((r) => r.kind !== 'importMime').length,
    otherDuringUpload: mine.filter((r) => r.kind !== 'importMime' && r.at > first && r.at < last).length,
    throttled: throttled.length,
    throttledByPhase: { setup: throttled.filter((r) => r.at < first).length, upload: throttled.filter((r) => r.at >= first).length },
    maxConcurrency: inspect.maxConcurrency(mailbox),
    stalledMs,
    largestGapMs,
    largestGapContext,
    meanInFlight: meanInFlight(mailbox, first, last),
    // Little's law over the upload phase: in flight = rate x time per request.
    serverMsPerRequest: (meanInFlight(mailbox, first, last) / ((uploads.length - 1) / ((last - first) / 1000))) * 1000,
  };
}
