/**
 * Narrows a run to its shard: whole mailboxes, byte-balanced, the same assignment on every machine (see
 * plan/shards.ts). Runs before anything is written, so a mistake still exits 2 with nothing changed.
 */
import { assignShards } from '../plan/shards.js';
import { measureMailboxes } from '../run/estate-sizes.js';
import { formatBytes, plural } from '../reports/format.js';
import { readZipSize, type ZipSizeReader } from '../source/zip-size.js';
import { UsageError } from './io.js';
import type { ZipToScan } from '../run/scan/scan.js';
import type { ShardSpec } from './shard-option.js';
import type { ShardRecord } from '../reports/shard-record.js';

export interface ShardTaken {
  /** This shard's zips, its mailboxes largest first (the order the run takes them). */
  readonly zips: ZipToScan[];
  readonly mailboxes: readonly string[];
  /** One line for stderr: which shard, from where, and what it holds. */
  readonly summary: string;
  /** Which shard took what, for the report: `report merge` checks the shards against it (shard-record.ts). */
  readonly record: ShardRecord;
}

export async function takeShard(zips: readonly ZipToScan[], spec: ShardSpec, readSize: ZipSizeReader = readZipSize): Promise<ShardTaken> {
  if (zips.some((z) => z.mailbox === null)) throw new UsageError('--shard needs every zip mapped to a mailbox (--map or --mailbox)');
  const sizes = await measureMailboxes(zips, readSize);
  // A zip this shard could not size (still being copied, a read that failed) would move mailboxes between
  // shards for this machine only: into two shards at once (imported twice) and into none (never imported).
  // Stopped before anything is written, the engine runs the shard again once every zip reads as elsewhere.
  if (sizes.unreadable.length > 0) {
    throw new UsageError(
      `--shard: the shard assignment needs every zip's size, the same on every machine, and ${plural(sizes.unreadable.length, 'zip')} could not be read:\n` +
        `${sizes.unreadable.map((sentence) => `  ${sentence}`).join('\n')}\n` +
        'run the shard again once the zips are complete, or remove a broken one from the map and the zip arguments (for every shard)',
    );
  }
  // More shards than mailboxes: the ones past the mailbox count get nothing whatever n is, so they are not
  // built (`--shard 1/100000000` filled 4 GB of empty lists and ended out of memory).
  const shards = assignShards(sizes.mailboxes, Math.min(spec.count, Math.max(1, sizes.mailboxes.length)));
  const mine = shards[spec.index - 1] ?? [];
  const byMailbox = new Map<string, ZipToScan[]>();
  for (const zip of zips) {
    const list = byMailbox.get(zip.mailbox as string);
    if (list) list.push(zip);
    else byMailbox.set(zip.mailbox as string, [zip]);
  }
  const taken = mine.flatMap((m) => byMailbox.get(m.mailbox) ?? []);
  const messages = mine.reduce((n, m) => n + m.messages, 0);
  const bytes = mine.reduce((n, m) => n + m.bytes, 0);
  return {
    zips: taken,
    mailboxes: mine.map((m) => m.mailbox),
    summary:
      `shard ${spec.index}/${spec.count} (${spec.from}): ${plural(mine.length, 'mailbox', 'mailboxes')} of ${sizes.mailboxes.length}, ` +
      `${plural(messages, 'message')}, ${formatBytes(bytes)}`,
    record: {
      index: spec.index,
      count: spec.count,
      assignment: Object.fromEntries(shards.flatMap((members, k) => members.map((m) => [m.mailbox, k + 1] as const)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    },
  };
}
