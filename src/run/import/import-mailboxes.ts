import { importMailbox } from './import-mailbox.js';
import type { Connection } from '../connect.js';
import type { Ledger, ZipRecord } from '../../ledger/ledger.js';
import type { Stats } from '../../accounting/stats.js';
import type { MailboxLocks } from '../../ledger/mailbox-lock.js';
import { ERROR_PREFIX } from '../io.js';

export interface ImportMailboxesOptions {
  readonly api: 'beta' | 'v1.0';
  readonly dryRun: boolean;
  /** Mailboxes at once: each has its own Graph limits, so mailboxes scale where one mailbox cannot. */
  readonly parallel: number;
  /** See MailboxImportOptions.landingWindowMs. */
  readonly landingWindowMs?: number;
  readonly signal?: AbortSignal;
  /** Called when a mailbox stopped for a reason of the app's (MailboxImportResult.tenantWide): no other mailbox can go on either. */
  readonly onTenantWideStop?: () => void;
  /** Held for each mailbox while it is imported: one import at a time into a mailbox on this machine. */
  readonly mailboxLocks?: MailboxLocks;
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
  const all = await connection.checks(mailboxes);
  // A mailbox Graph refused (403, an outage past every retry) while it let the app into another mailbox is that
  // mailbox's problem, not the run's: an application access policy or RBAC scope that leaves one mailbox out of
  // an estate of 128 stopped all of them before a byte was read.
  const anotherReachable = all.some((c) => c.ok && c.mailbox !== undefined);
  const failedChecks = all
    .filter((c) => !c.ok)
    .map((c) => (anotherReachable && !c.mailboxMissing && c.mailboxRefused ? { ...c, detail: c.mailboxRefused.reason, mailboxMissing: c.mailboxRefused } : c));
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
 * One mailbox of the run: marked failed when the tenant does not have it, imported otherwise. Returns the
 * sentence that stopped it (credentials, permissions, the mailbox gone mid-run), or null.
 */
export async function importOneMailbox(
  mailbox: string,
  zips: readonly ZipRecord[],
  ledger: Ledger,
  stats: Stats,
  connection: Connection,
  options: ImportMailboxesOptions,
  log: (line: string) => void,
  checks: TenantChecks,
): Promise<string | null> {
  if (markIfMissing(mailbox, checks, ledger, stats, log)) return null;
  const lock = options.mailboxLocks?.hold(mailbox) ?? { release: () => undefined };
  if ('heldBy' in lock) {
    stats.recordError(lock.heldBy);
    return lock.heldBy;
  }
  stats.mailbox(mailbox).startedAtMs = Date.now();
  try {
    const result = await importMailbox(mailbox, zips.filter((z) => z.mailbox === mailbox), ledger, connection.destinationFor(mailbox), stats, options, log);
    if (result.fatal && result.tenantWide) options.onTenantWideStop?.();
    return result.fatal ? `${mailbox}: ${result.fatal}` : null;
  } finally {
    lock.release();
    stats.mailbox(mailbox).finished = true;
  }
}

/** The sentences that stopped mailboxes, one a line, or null when none did. */
export function joinStops(stops: readonly (string | null | void)[]): string | null {
  const stopped = stops.filter((s): s is string => typeof s === 'string');
  return stopped.length > 0 ? stopped.join('\n') : null;
}

/** Marks a mailbox the tenant lacks: each of its messages failed with the reason. True when it did. */
function markIfMissing(mailbox: string, checks: TenantChecks, ledger: Ledger, stats: Stats, log: (line: string) => void): boolean {
  const missing = checks.missing.get(mailbox);
  if (missing === undefined) return false;
  const counters = stats.mailbox(mailbox);
  log(`${ERROR_PREFIX}${missing.detail}`);
  const failed = ledger.markMailboxMissing(mailbox, missing.reason);
  counters.wanted = failed;
  counters.failed = failed;
  counters.done = failed;
  return true;
}
