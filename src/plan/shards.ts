/**
 * Whole mailboxes to shards, balancing bytes: longest-first greedy (each mailbox, largest first, to the
 * shard with the fewest bytes so far, the lowest index on a tie). Deterministic from the sizes and names
 * alone, so every shard computes the same assignment without talking to the others.
 */
import { largestFirst, type SizedMailbox } from './run-order.js';

/** Shard k (0-based) gets `shards[k]`, in the order the run takes them. */
export function assignShards<T extends SizedMailbox>(mailboxes: readonly T[], shardCount: number): T[][] {
  if (!Number.isInteger(shardCount) || shardCount < 1) throw new RangeError(`shard count must be a whole number of at least 1, got ${shardCount}`);
  const names = new Set<string>();
  for (const m of mailboxes) {
    if (names.has(m.mailbox)) throw new RangeError(`mailbox ${m.mailbox} is listed twice`);
    names.add(m.mailbox);
  }
  const shards: T[][] = Array.from({ length: shardCount }, () => []);
  const load = new Array<number>(shardCount).fill(0);
  for (const mailbox of largestFirst(mailboxes)) {
    let target = 0;
    for (let k = 1; k < shardCount; k++) if ((load[k] as number) < (load[target] as number)) target = k;
    (shards[target] as T[]).push(mailbox);
    load[target] = (load[target] as number) + mailbox.bytes;
  }
  return shards;
}
