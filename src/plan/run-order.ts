/**
 * The order a run takes its mailboxes in, and the order the shard assignment considers them: largest
 * first (by bytes), ties by name. Largest first keeps the biggest mailbox from starting last and
 * setting the wall-clock time alone; the name makes the order total, so every machine gets the same one.
 */
export interface SizedMailbox {
  readonly mailbox: string;
  readonly bytes: number;
}

export function compareLargestFirst(a: SizedMailbox, b: SizedMailbox): number {
  if (a.bytes !== b.bytes) return b.bytes - a.bytes;
  return a.mailbox < b.mailbox ? -1 : a.mailbox > b.mailbox ? 1 : 0;
}

export function largestFirst<T extends SizedMailbox>(mailboxes: readonly T[]): T[] {
  return [...mailboxes].sort(compareLargestFirst);
}
