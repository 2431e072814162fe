import { setMaxListeners } from 'node:events';
import PQueue from 'p-queue';
import { importMailbox } from './import-mailbox.js';
import { largestFirst } from '../../plan/run-order.js';
import type { Connection } from '../connect.js';
import type { Ledger, ZipRecord } from '../../ledger/ledger.js';
import type { Stats } from '../../accounting/stats.js';
import { ERROR_PREFIX } from '../io.js';

export interface ImportMailboxesOptions {
  readonly api: 'beta' | 'v1.0';
  readonly dryRun: boolean;
  /** Mailboxes at once: each has its own Graph limits, so mailboxes scale where one mailbox cannot. */
  readonly parallel: number;
  /** See MailboxImportOptions.landingWindowMs. */
  readonly landingWindowMs?: number;
  readonly signal?: AbortSignal;
}

/**
 * Checks the tenant (token, permissions, every mailbox) before anything is written, then imports the
 * mailboxes, `parallel` at a time. A mailbox the tenant does not have stops only itself: its messages
 * fail with that reason (so the report can say so) and the other mailboxes go on. Returns the sentences
 * that stopped the run, or null when none did.
 */
export async function importMailboxes(zips: readonly ZipRecord[], ledger: Ledger, stats: Stats, connection: Connection, options: ImportMailboxesOptions, log: (line: string) => void): Promise<string | null> {
  const all = [...new Set(zips.map((z) => z.mailbox).filter((m): m is string => m !== null))];
  const failedChecks = (await connection.checks(all)).filter((c) => !c.ok);
  const problems = failedChecks.filter((c) => !c.mailboxMissing);
  if (problems.length > 0) {
    for (const problem of failedChecks) log(`${ERROR_PREFIX}${problem.name}: ${problem.detail}`);
    return problems.map((p) => `${p.name}: ${p.detail}`).join('\n');
  }
  const missing = new Set<string>();
  for (const check of failedChecks) {
    if (!check.mailboxMissing) continue;
    const { mailbox, reason } = check.mailboxMissing;
    missing.add(mailbox);
    log(`${ERROR_PREFIX}${check.detail}`);
    const failed = ledger.markMailboxMissing(mailbox, reason);
    const counters = stats.mailbox(mailbox);
    counters.wanted = failed;
    counters.failed = failed;
    counters.done = failed;
  }
  const mailboxes = startOrder(all.filter((m) => !missing.has(m)), zips);
  stats.mailboxesTotal = mailboxes.length;
  // Each mailbox being imported listens to the stop signal (its upload queue): past Node's default of ten
  // that is no leak, only --parallel at work.
  if (options.signal) setMaxListeners(Math.max(10, options.parallel + 10), options.signal);
  const queue = new PQueue({ concurrency: options.parallel });
  const results = await Promise.all(
    mailboxes.map((mailbox) =>
      queue.add(async () => {
        stats.mailbox(mailbox).startedAtMs = Date.now();
        try {
          return await importMailbox(mailbox, zips.filter((z) => z.mailbox === mailbox), ledger, connection.destinationFor(mailbox), stats, options, log);
        } finally {
          stats.mailbox(mailbox).finished = true;
        }
      }),
    ),
  );
  const stopped = results.flatMap((r) => (r?.fatal ? [`${r.mailbox}: ${r.fatal}`] : []));
  return stopped.length > 0 ? stopped.join('\n') : null;
}

/**
 * Largest mailboxes first (bytes of their zips), as a shard takes them: with `parallel` at a time, the
 * largest one started last would set the run's wall-clock time alone.
 */
export function startOrder(mailboxes: readonly string[], zips: readonly ZipRecord[]): string[] {
  const bytes = new Map<string, number>();
  for (const zip of zips) if (zip.mailbox !== null) bytes.set(zip.mailbox, (bytes.get(zip.mailbox) ?? 0) + zip.size);
  return largestFirst(mailboxes.map((mailbox) => ({ mailbox, bytes: bytes.get(mailbox) ?? 0 }))).map((m) => m.mailbox);
}
