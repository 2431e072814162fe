/**
 * The kill soak: one export imported into the Graph emulator with every fault kind on, the real CLI
 * SIGKILLed at random moments and restarted at once with the same --state, then run to the end; and the
 * proof afterwards, against the emulator's own store: every wanted message in its folder exactly once,
 * none a draft, nothing else. Shared by test/import/corpus-kill.test.ts (one seed) and
 * scripts/soak-kill.ts (many).
 *
 * What is wanted comes from a dry run of the same zip with its own ledger, not from the ledger of the
 * runs being killed, so a verdict those runs got wrong cannot hide a missing message. Messages are
 * matched by content: the MIME the emulator stored against the bytes in the zip, both read the same way
 * (see canonicalMime), so no date or Message-ID parsing of eml-import's takes part in the proof.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { startEmulator, type Emulator } from '../emulator/index.js';
import type { FaultOptions } from '../emulator/faults.js';
import { createPrng } from '../emulator/prng.js';
import type { InspectedFolder } from '../emulator/inspect.js';
import { tenantArgs } from './tenant.js';

const root = resolve(import.meta.dirname, '..', '..');
export const SOAK_MAILBOX = 'ann@contoso.onmicrosoft.com';

/**
 * Outlook's limit windows (10,000 requests per 10 minutes, 150 MB per 5 minutes) shortened 10 times on
 * both sides, emulator and importer, as the import benchmark does: the governor would otherwise pace the
 * 2,600 requests of the corpus over minutes, and pacing is not what this soak is about. Latency, slow
 * responses, Retry-After and the landing window keep their real lengths.
 */
const TIME_SCALE = 0.1;

/** The slowest the emulator takes before it works on a request: a `slow` fault plus the highest latency. */
export const SLOWEST_RESPONSE_MS = 15_000 + 40;

/**
 * Faults at rates like those a real tenant shows under load (the rates of issue 11's field report), each
 * kind on: throttling with and without Retry-After, 503 with and without it, resets before and after the
 * create committed, 504 after it committed, and slow requests that the server works on 5 to 15 s later,
 * whoever is still waiting for the answer.
 */
export const SOAK_FAULTS: FaultOptions = {
  rates: {
    '503-retry-after': 0.03,
    '503': 0.01,
    '429-too-many-requests': 0.01,
    '429-no-retry-after': 0.005,
    'reset-before-commit': 0.005,
    '504-after-commit': 0.02,
    'reset-after-commit': 0.005,
    slow: 0.02,
  },
  retryAfterSeconds: 1,
  slowMs: { min: 5_000, max: 15_000 },
};

export interface KillSoakOptions {
  readonly seed: number;
  readonly kills: number;
  /** A fresh folder for the ledgers and the dry run's report. */
  readonly work: string;
  readonly zipPath: string;
  /** The bytes of every entry of the zip, by entry name. */
  readonly entries: ReadonlyMap<string, Buffer>;
  /**
   * --landing-window for every run. It must be longer than SLOWEST_RESPONSE_MS: a killed run's slow
   * create lands that long after it was sent, and the next run, started at once, must not take its
   * absence from the folder listing for proof that it never will.
   */
  readonly landingWindowSeconds: number;
  /** A kill comes at a random moment up to this long after the run starts uploading. Default 6 s. */
  readonly maxKillDelayMs?: number;
  /** Default SOAK_FAULTS. */
  readonly faults?: FaultOptions;
  readonly log?: (line: string) => void;
}

export interface KillSoakResult {
  readonly seed: number;
  readonly kills: number;
  /** Kills that left the killed run's creates in flight (rows in_flight, sent by that run). */
  readonly killsMidUpload: number;
  /** Kills while a slow create of the killed run was still waiting in the server. */
  readonly killsWithSlowCreate: number;
  readonly wanted: number;
  /** Wanted messages found in their folder (at least once). */
  readonly present: number;
  /**
   * Wanted messages the destination refused for their content (400), each a failed row with its reason:
   * never created, whatever the kills, so neither missing nor a question of exactly-once.
   */
  readonly refused: string[];
  /** Copies beyond the first, each as `folder: entry`. */
  readonly duplicates: string[];
  readonly missing: string[];
  /** Messages in the mailbox that are no wanted message at all. */
  readonly extra: string[];
  readonly drafts: number;
  /** Rows whose create went unanswered (killed run, 504, reset) and were found in the mailbox afterwards. */
  readonly recovered: number;
  /** Creates sent again after an earlier one proved absent once its landing window had passed. */
  readonly resent: number;
  /** Creates of a killed run that the server committed after the kill. */
  readonly landedAfterKill: number;
  /** Rows the dry run and the killed runs' ledger judge differently (importable in one only). */
  readonly verdictDifferences: string[];
  /** Ledger rows not delivered at the end (state and error). */
  readonly notDelivered: string[];
  readonly finalStatus: number | null;
  /** The dry run's exit status: 1 when entries of the zip are unreadable (not messages), which the import says too. */
  readonly dryRunStatus: number | null;
  readonly faults: Record<string, number>;
  readonly elapsedMs: number;
}

interface ChildRun {
  readonly status: number | null;
  readonly killed: boolean;
  readonly spawnedAt: number;
  readonly killedAt: number | null;
  readonly slowCreateInFlight: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

interface WantedEntry {
  readonly entry: string;
  readonly target: string;
}

/**
 * The message as both sides should hold it whatever line endings or mbox framing it came with: no
 * byte-order mark, no leading mbox `From ` line, LF line ends. eml-import sends CRLF without those; the
 * comparison stays independent of how it does that.
 */
export function canonicalMime(bytes: Buffer): string {
  let text = bytes.toString('latin1');
  if (text.startsWith('\u00ef\u00bb\u00bf')) text = text.slice(3);
  // Line ends first, so that a `From ` line ended by CR alone (old Mac files) is one line too.
  text = text.replace(/\r\n?/g, '\n');
  if (text.startsWith('From ')) text = text.slice(text.indexOf('\n') + 1);
  return createHash('sha256').update(text, 'latin1').digest('hex');
}

export async function runKillSoak(options: KillSoakOptions): Promise<KillSoakResult> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const random = createPrng(options.seed * 7919 + 1);
  const maxDelay = options.maxKillDelayMs ?? 6_000;
  const emulator = await startEmulator({ mailboxes: [SOAK_MAILBOX], latencyMs: { min: 10, max: 40 }, seed: options.seed, faults: options.faults ?? SOAK_FAULTS, timeScale: TIME_SCALE });
  try {
    mkdirSync(options.work, { recursive: true });
    const { wanted, status: dryRunStatus } = await wantedByDryRun(emulator, options);
    log(`seed ${options.seed}: ${wanted.length} wanted messages (dry run)`);
    const state = join(options.work, 'state');
    const args = [options.zipPath, ...tenantArgs(emulator, SOAK_MAILBOX), '--state', state, '--no-progress', '--json', '--landing-window', String(options.landingWindowSeconds)];

    const runs: ChildRun[] = [];
    let killsMidUpload = 0;
    for (let k = 0; k < options.kills; k++) {
      const delay = random() * maxDelay;
      // Half the kills wait, after their random moment, for a slow create to be on its way: the case
      // where a create lands after the next run has listed the folder.
      const awaitSlow = random() < 0.5;
      const run = await runChild(emulator, args, { delayMs: delay, awaitSlowCreate: awaitSlow });
      runs.push(run);
      if (!run.killed) {
        log(`seed ${options.seed}: run ${k + 1} ended by itself (status ${run.status}) before its kill`);
        break;
      }
      const leftInFlight = inFlightSince(state, run.spawnedAt);
      if (leftInFlight > 0) killsMidUpload += 1;
      log(`seed ${options.seed}: kill ${k + 1} after ${((run.killedAt! - run.spawnedAt) / 1000).toFixed(1)} s, ${leftInFlight} creates in flight${run.slowCreateInFlight ? ', a slow one among them' : ''}, ${emulator.inspect.messages(SOAK_MAILBOX).length} messages in the mailbox`);
    }
    const final = await runChild(emulator, args, null);
    log(`seed ${options.seed}: final run ended with status ${final.status} after ${((Date.now() - final.spawnedAt) / 1000).toFixed(0)} s; ${final.stderr.trim().split('\n').filter((l) => !/ to upload/.test(l)).slice(-3).join(' | ')}`);
    const kills = runs.filter((r) => r.killed);
    const { refusedEntries, sendsByEntry, ...ledger } = fromLedger(state, emulator, kills.map((r) => r.killedAt!), wanted);
    return {
      seed: options.seed,
      kills: kills.length,
      killsMidUpload,
      killsWithSlowCreate: kills.filter((r) => r.slowCreateInFlight).length,
      ...ledger,
      ...compareMailbox(emulator, wanted, options.entries, new Set(refusedEntries), sendsByEntry),
      finalStatus: final.status,
      dryRunStatus,
      faults: countFaults(emulator),
      elapsedMs: Date.now() - started,
    };
  } finally {
    await emulator.close();
  }
}

/** The importable entries and their target folders, from a dry run with its own ledger. */
async function wantedByDryRun(emulator: Emulator, options: KillSoakOptions): Promise<{ wanted: WantedEntry[]; status: number | null }> {
  const report = join(options.work, 'dry-run');
  const run = await runChild(emulator, [options.zipPath, '--dry-run', '--no-progress', '--report', report, '--state', join(options.work, 'dry-state')], null);
  if (!existsSync(join(report, 'messages.csv'))) throw new Error(`the dry run wrote no report (status ${run.status})`);
  const rows = parse(readFileSync(join(report, 'messages.csv')), { columns: true }) as Array<Record<string, string>>;
  return { wanted: rows.filter((r) => r['verdict'] === 'importable').map((r) => ({ entry: r['entry'] as string, target: r['target'] as string })), status: run.status };
}

/** Runs the real CLI as its own process; kills it with SIGKILL at the moment `kill` describes. */
function runChild(emulator: Emulator, args: string[], kill: { delayMs: number; awaitSlowCreate: boolean } | null): Promise<ChildRun> {
  return new Promise((done) => {
    const spawnedAt = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli.ts'), ...args], {
      cwd: root,
      env: { ...process.env, NODE_EXTRA_CA_CERTS: emulator.caFile, EML_IMPORT_CLIENT_SECRET: emulator.clientSecret, EML_IMPORT_PROGRESS_INTERVAL_MS: '600000', EML_IMPORT_TIME_SCALE: String(TIME_SCALE) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    let killedAt: number | null = null;
    let slowCreateInFlight = false;
    let timer: NodeJS.Timeout | undefined;
    const killNow = (): void => {
      if (killedAt !== null) return;
      slowCreateInFlight = slowCreateWaiting(emulator, spawnedAt);
      killedAt = Date.now();
      child.kill('SIGKILL');
    };
    // The random moment counts from when the run starts uploading (its first folder line), so that a
    // kill lands in the uploads rather than in the start-up that every run repeats.
    let stderr = '';
    createInterface({ input: child.stderr }).on('line', (line) => {
      stderr += `${line}\n`;
      if (kill === null || timer !== undefined || !/ to upload/.test(line)) return;
      timer = setTimeout(() => {
        if (!kill.awaitSlowCreate) return killNow();
        const giveUpAt = Date.now() + 20_000;
        const poll = setInterval(() => {
          if (killedAt !== null || slowCreateWaiting(emulator, spawnedAt) || Date.now() > giveUpAt) {
            clearInterval(poll);
            killNow();
          }
        }, 20);
      }, kill.delayMs);
    });
    child.on('exit', (status) => {
      clearTimeout(timer);
      done({ status, killed: killedAt !== null, spawnedAt, killedAt, slowCreateInFlight, stdout, stderr });
    });
  });
}

/**
 * Whether a create this run sent (since `since`) is held by a slow fault that began less than its
 * shortest delay (5 s) ago, so is still waiting in the server.
 */
function slowCreateWaiting(emulator: Emulator, since: number): boolean {
  const now = Date.now();
  return emulator.inspect.faultsInjected().some((f) => {
    const at = Date.parse(f.at);
    return f.kind === 'slow' && f.method === 'POST' && /importMime$|\/messages$/.test(f.path) && at >= since && now - at < 4_500;
  });
}

function inFlightSince(state: string, since: number): number {
  const db = new Database(join(state, 'state.db'), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare(`SELECT attempt_at FROM messages WHERE state = 'in_flight' AND attempt_at IS NOT NULL`).all() as Array<{ attempt_at: string }>;
    return rows.filter((r) => Date.parse(r.attempt_at) >= since).length;
  } finally {
    db.close();
  }
}

/** Every folder of the mailbox by its lower-cased path, under its display names and its well-known name. */
function folderPaths(tree: InspectedFolder): Map<string, string> {
  const paths = new Map<string, string>();
  const walk = (folder: InspectedFolder, prefixes: string[]): void => {
    for (const child of folder.children) {
      const names = prefixes.length === 0 && child.wellKnownName ? [child.displayName, child.wellKnownName] : [child.displayName];
      const next = prefixes.length === 0 ? names : prefixes.flatMap((p) => names.map((n) => `${p}/${n}`));
      for (const path of next) paths.set(path.toLowerCase(), child.path);
      walk(child, next);
    }
  };
  walk(tree, []);
  return paths;
}

function compareMailbox(emulator: Emulator, wanted: readonly WantedEntry[], entries: ReadonlyMap<string, Buffer>, refusedEntries: ReadonlySet<string>, sendsByEntry: ReadonlyMap<string, string[]>): Pick<KillSoakResult, 'wanted' | 'present' | 'duplicates' | 'missing' | 'extra' | 'drafts'> {
  const paths = folderPaths(emulator.inspect.folders(SOAK_MAILBOX));
  const expected = new Map<string, string[]>();
  for (const w of wanted) {
    const bytes = entries.get(w.entry);
    if (!bytes) throw new Error(`the dry run names ${w.entry}, which is not in the zip`);
    const folder = paths.get(w.target.toLowerCase()) ?? `(no folder ${w.target})`;
    const key = `${folder}\u0000${canonicalMime(bytes)}`;
    expected.set(key, [...(expected.get(key) ?? []), w.entry]);
  }
  const actual = new Map<string, string[]>();
  let drafts = 0;
  for (const m of emulator.inspect.messages(SOAK_MAILBOX)) {
    if (m.isDraft) drafts += 1;
    const key = `${m.folderPath}\u0000${m.mime ? canonicalMime(m.mime) : `json:${m.internetMessageId ?? m.subject}`}`;
    actual.set(key, [...(actual.get(key) ?? []), `${m.folderPath}: ${m.subject} ${m.internetMessageId ?? ''} (${m.id}, created ${m.createdDateTime})`]);
  }
  const duplicates: string[] = [];
  const missing: string[] = [];
  const extra: string[] = [];
  let present = 0;
  for (const [key, names] of expected) {
    const got = actual.get(key) ?? [];
    present += Math.min(names.length, got.length);
    for (const name of names.slice(got.length)) if (!refusedEntries.has(name)) missing.push(`${key.split('\u0000')[0]}: ${name}`);
    // When each of these entries was sent: a copy created more than a landing window after every send of
    // its entries would be a create that landed later than the window allows.
    const sends = names.map((name) => `${name} sent ${(sendsByEntry.get(name) ?? []).join(', ') || 'never'}`).join('; ');
    for (const copy of got.slice(names.length)) duplicates.push(`${copy} = ${names[0]} (${sends})`);
  }
  for (const [key, got] of actual) if (!expected.has(key)) extra.push(...got);
  // A message the JSON path carried (importMime refused its MIME) has no MIME to compare: it stands for the
  // missing entry of its folder whose bytes hold its Message-ID, read here from the raw bytes, not parsed.
  for (const [key, got] of actual) {
    if (expected.has(key) || !key.includes('\u0000json:<')) continue;
    const [folder, id] = [key.split('\u0000')[0]!, key.split('\u0000json:')[1]!];
    for (const copy of got) {
      const at = missing.findIndex((m) => m.startsWith(`${folder}: `) && entries.get(m.slice(folder.length + 2))?.includes(id) === true);
      if (at === -1) continue;
      missing.splice(at, 1);
      extra.splice(extra.indexOf(copy), 1);
      present += 1;
    }
  }
  return { wanted: wanted.length, present, duplicates, missing, extra, drafts };
}

interface EventRow {
  message: number;
  at: string;
  state: string;
  detail: string | null;
}

/**
 * What the ledger of the killed runs says happened: sends, re-sends, creates recovered after a kill or an
 * unanswered request, and creates the server committed after their run was killed.
 */
function fromLedger(state: string, emulator: Emulator, killTimes: readonly number[], wanted: readonly WantedEntry[]): Pick<KillSoakResult, 'recovered' | 'resent' | 'landedAfterKill' | 'verdictDifferences' | 'notDelivered' | 'refused'> & { refusedEntries: string[]; sendsByEntry: Map<string, string[]> } {
  const db = new Database(join(state, 'state.db'), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare(`SELECT id, entry, verdict, state, dest_id, last_error, error_class FROM messages WHERE kind = 'message'`).all() as Array<{ id: number; entry: string; verdict: string; state: string; dest_id: string | null; last_error: string | null; error_class: string | null }>;
    const events = db.prepare(`SELECT message, at, state, detail FROM events ORDER BY id`).all() as EventRow[];
    const created = new Map(emulator.inspect.messages(SOAK_MAILBOX).map((m) => [m.id, Date.parse(m.createdDateTime)]));
    const byRow = new Map<number, EventRow[]>();
    for (const e of events) byRow.set(e.message, [...(byRow.get(e.message) ?? []), e]);
    const isSend = (e: EventRow): boolean => e.state === 'in_flight' && (e.detail === 'importMime' || e.detail === 'json');
    let recovered = 0;
    let resent = 0;
    let landedAfterKill = 0;
    for (const row of rows) {
      const history = byRow.get(row.id) ?? [];
      const sends = history.filter(isSend);
      resent += Math.max(0, sends.length - 1);
      if (row.state !== 'imported' || sends.length === 0) continue;
      const lastSend = history.lastIndexOf(sends[sends.length - 1]!);
      const imported = history.findLastIndex((e) => e.state === 'imported');
      const sentAt = Date.parse(history[lastSend]!.at);
      const importedAt = Date.parse(history[imported]!.at);
      const unanswered = history.slice(lastSend + 1, imported).some((e) => e.state === 'in_flight');
      const kill = killTimes.find((k) => k > sentAt && k < importedAt);
      if (unanswered || kill !== undefined) recovered += 1;
      const createdAt = row.dest_id === null ? undefined : created.get(row.dest_id);
      // createdDateTime has whole seconds: only a landing a full second after the kill counts.
      if (kill !== undefined && createdAt !== undefined && createdAt > kill + 1_000) landedAfterKill += 1;
    }
    const wantedEntries = new Set(wanted.map((w) => w.entry));
    const ledgerWanted = new Set(rows.filter((r) => r.verdict === 'importable').map((r) => r.entry));
    const verdictDifferences = [
      ...[...wantedEntries].filter((e) => !ledgerWanted.has(e)).map((e) => `${e}: importable in the dry run only`),
      ...[...ledgerWanted].filter((e) => !wantedEntries.has(e)).map((e) => `${e}: importable in the import's ledger only`),
    ];
    const undelivered = rows.filter((r) => r.verdict === 'importable' && r.state !== 'imported' && r.state !== 'present');
    const describe = (r: (typeof rows)[number]): string => `${r.entry}: ${r.state}${r.error_class ? ` (${r.error_class})` : ''}${r.last_error ? `: ${r.last_error}` : ''}`;
    // Refused for what it is (400 on a create, never retried), not for anything a kill did.
    const isRefused = (r: (typeof rows)[number]): boolean => r.state === 'failed' && r.error_class === 'no-retry' && /was refused \(400 /.test(r.last_error ?? '');
    const refused = undelivered.filter(isRefused);
    return {
      recovered,
      resent,
      landedAfterKill,
      verdictDifferences,
      notDelivered: undelivered.filter((r) => !isRefused(r)).map(describe),
      refused: refused.map(describe),
      refusedEntries: refused.map((r) => r.entry),
      sendsByEntry: new Map(rows.map((r) => [r.entry, (byRow.get(r.id) ?? []).filter(isSend).map((e) => e.at)])),
    };
  } finally {
    db.close();
  }
}

function countFaults(emulator: Emulator): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const f of emulator.inspect.faultsInjected()) counts[f.kind] = (counts[f.kind] ?? 0) + 1;
  return counts;
}
