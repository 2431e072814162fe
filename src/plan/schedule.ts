/**
 * How long a list of mailboxes takes on `slots` parallel slots when each free slot takes the next mailbox
 * in order, as `--parallel` does. Mailboxes are independent (Graph limits each one, not the estate).
 */
export interface TimedJob {
  readonly seconds: number;
}

/** Wall-clock seconds until the last job ends. */
export function makespan(jobs: readonly TimedJob[], slots: number): number {
  if (slots < 1) throw new RangeError(`slots must be at least 1, got ${slots}`);
  // Few slots (<= a few hundred): a linear scan for the earliest free one is simpler than a heap and fast enough.
  const freeAt = new Array<number>(Math.min(slots, Math.max(1, jobs.length))).fill(0);
  for (const job of jobs) {
    let earliest = 0;
    for (let i = 1; i < freeAt.length; i++) if ((freeAt[i] as number) < (freeAt[earliest] as number)) earliest = i;
    freeAt[earliest] = (freeAt[earliest] as number) + job.seconds;
  }
  return Math.max(0, ...freeAt);
}
