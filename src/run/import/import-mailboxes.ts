import { setMaxListeners } from 'node:events';
import PQueue from 'p-queue';
import { importMailbox } from './import-mailbox.js';
import { largestFirst } from '../../plan/run-order.js';
import type { Connection } from '../connect.js';
import type { Ledger, ZipRecord } from '../../ledger/ledger.js';
import type { Stats } from '../../accounting/stats.js';
import { ERROR_PREFIX } from '../io.js';
import { mailboxesOf } from '../mailboxes-of.js';

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
 * What the tenant said before the run: the sentences that stop it (token, permissions), and the mailboxes
 * it does not have, which stop only themselves.
 */
export interface TenantChecks {
  readonly stop: string | null;
  readonly missing: ReadonlyMap<string, { readonly reason: string; readonly detail: string }>;
}

/**
 * Checks the tenant (token, permissions, every mailbox). The import does this before it reads the zips: a
 * wrong secret or a missing permission found after the scan cost a shard of 128 mailboxes of 10 GB about an
 * hour of reading before it said so.
 */
export async function checkTenant(connection: Connection, mailboxes: readonly string[], log: (line: string) => void): Promise<TenantChecks> {
  const failedChecks = (await connection.checks(mailboxes)).filter((c) => !c.ok);
  const problems = failedChecks.filter((c) => !c.mailboxMissing);
  if (problems.length > 0) {
    for (const problem of failedChecks) log(`${ERROR_PREFIX}${problem.name}: ${problem.detail}`);
    return { stop: problems.map((p) => `${p.name}: ${p.detail}`).join('\n'), missing: new Map() };
  }
  const missing = new Map<string, { reason: string; detail: string }>();
  for (const check of failedChecks) if (check.mailboxMissing) missing.set(check.mailboxMissing.mailbox, { reason: check.mailboxMissing.reason, detail: check.detail });
  return { stop: null, missing };
}

/**
 * Imports the mailboxes, `parallel` at a time, after the tenant checks (made here unless given). A mailbox
 * the tenant does not have stops only itself: its messages fail with that reason (so the report can say so)
 * and the other mailboxes go on. Returns the sentences that stopped the run, or null when none did.
 */
export async function importMailboxes(
  zips: readonly ZipRecord[],
  ledger: Ledger,
  stats: Stats,
  connection: Connection,
  options: ImportMailboxesOptions,
  log: (line: string) => void,
  checked?: TenantChecks,
): Promise<string | null> {
  const all = mailboxesOf(zips);
  const checks = checked ?? (await checkTenant(connection, all, log));
  if (checks.stop !== null) return checks.stop;
  for (const [mailbox, { reason, detail }] of checks.missing) {
    if (!all.includes(mailbox)) continue;
    log(`${ERROR_PREFIX}${detail}`);
    const failed = ledger.markMailboxMissing(mailbox, reason);
    const counters = stats.mailbox(mailbox);
    counters.wanted = failed;
    counters.failed = failed;
    counters.done = failed;
  }
  const mailboxes = startOrder(all.filter((m) => !checks.missing.has(m)), zips);
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
