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

export interface ShardTaken {
  /** This shard's zips, its mailboxes largest first (the order the run takes them). */
  readonly zips: ZipToScan[];
  readonly mailboxes: readonly string[];
  /** One line for stderr: which shard, from where, and what it holds. */
  readonly summary: string;
  readonly problems: readonly string[];
}

export async function takeShard(zips: readonly ZipToScan[], spec: ShardSpec, readSize: ZipSizeReader = readZipSize): Promise<ShardTaken> {
  if (zips.some((z) => z.mailbox === null)) throw new UsageError('--shard needs every zip mapped to a mailbox (--map or --mailbox)');
  const sizes = await measureMailboxes(zips, readSize);
  const shards = assignShards(sizes.mailboxes, spec.count);
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
    problems: sizes.problems,
  };
}
