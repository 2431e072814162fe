/**
 * Exponential backoff with full jitter: the wait is uniform in [0, min(cap, base * 2^(attempt-1))].
 * Full jitter rather than "delay plus a little noise" because several mailboxes (and several machines)
 * hitting the same 5xx must not come back in lock-step.
 */

export interface BackoffPolicy {
  /** The ceiling of the first wait, in milliseconds. */
  readonly baseMs: number;
  /** No wait is longer than this. */
  readonly capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 60_000 };

/** A source of uniform numbers in [0, 1), so tests can make the jitter deterministic. */
export type RandomSource = () => number;

/** The wait before retry number `attempt` (1 = the first retry). */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  random: RandomSource = Math.random,
): number {
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  // 2^exponent overflows to Infinity long before it matters; min() keeps the ceiling finite.
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(exponent, 52));
  return Math.floor(random() * ceiling);
}

/** mulberry32: a tiny seeded generator, good enough for jitter and reproducible in tests. */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
