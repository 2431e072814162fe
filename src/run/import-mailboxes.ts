import PQueue from 'p-queue';
import { importMailbox } from './import-mailbox.js';
import type { Connection } from './connect.js';
import type { Ledger, ZipRecord } from '../ledger/ledger.js';
import type { Stats } from '../accounting/stats.js';

export interface ImportMailboxesOptions {
  readonly api: 'beta' | 'v1.0';
  readonly dryRun: boolean;
  /** Mailboxes at once: each has its own Graph limits, so mailboxes scale where one mailbox cannot. */
  readonly parallel: number;
  readonly signal?: AbortSignal;
}

/**
 * Checks the tenant (token, permissions, every mailbox) before anything is written, then imports the
 * mailboxes, `parallel` at a time. Returns the sentences that stopped the run, or null when none did.
 */
export async function importMailboxes(zips: readonly ZipRecord[], ledger: Ledger, stats: Stats, connection: Connection, options: ImportMailboxesOptions, log: (line: string) => void): Promise<string | null> {
  const mailboxes = [...new Set(zips.map((z) => z.mailbox).filter((m): m is string => m !== null))];
  const problems = await connection.preflight(mailboxes);
  if (problems.length > 0) {
    for (const problem of problems) log(`error: ${problem}`);
    return problems.join('\n');
  }
  stats.mailboxesTotal = mailboxes.length;
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
