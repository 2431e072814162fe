import { describe, expect, it } from 'vitest';
import { afterAnswer, afterConcurrencyThrottle, initialInFlightLimit, type InFlightLimit } from '../../src/destination/graph/in-flight-limit.js';
import { MailboxGovernor, type Clock } from '../../src/destination/graph/governor.js';

const QUIET = 60_000;

describe('in-flight limit: down a step on MailboxConcurrency 429s, up a step after each quiet period', () => {
  it('goes 4 -> 1 under a run of 429s and climbs back to 4, one step per quiet period', () => {
    let limit: InFlightLimit = initialInFlightLimit(4, 0);
    const seen: number[] = [];
    // Random 429s, each sent under the limit of its time, 1 s apart.
    for (let t = 1_000; t <= 3_000; t += 1_000) {
      limit = afterConcurrencyThrottle(limit, limit.allowed, t);
      seen.push(limit.allowed);
    }
    expect(seen).toEqual([3, 2, 1]);
    // Answers within the quiet period change nothing.
    expect(afterAnswer(limit, 3_000 + QUIET - 1, QUIET).allowed).toBe(1);
    // Then one step per quiet period, never past the ceiling.
    for (let t = 3_000 + QUIET, want = 2; want <= 4; t += QUIET, want++) {
      limit = afterAnswer(limit, t, QUIET);
      expect(limit.allowed).toBe(want);
      expect(afterAnswer(limit, t + 1, QUIET).allowed).toBe(want);
    }
    expect(afterAnswer(limit, 10 * QUIET, QUIET).allowed).toBe(4);
  });

  it('one burst of 429s sent under one limit costs one step, and every 429 restarts the quiet period', () => {
    let limit = initialInFlightLimit(4, 0);
    limit = afterConcurrencyThrottle(limit, 4, 100);
    limit = afterConcurrencyThrottle(limit, 4, 110);
    limit = afterConcurrencyThrottle(limit, 4, 120);
    expect(limit.allowed).toBe(3);
    expect(limit.since).toBe(120);
    expect(afterAnswer(limit, 100 + QUIET, QUIET).allowed).toBe(3);
    expect(afterAnswer(limit, 120 + QUIET, QUIET).allowed).toBe(4);
  });

  it('never goes below 1, and a 429 at 1 still restarts the quiet period', () => {
    let limit = initialInFlightLimit(1, 0);
    limit = afterConcurrencyThrottle(limit, 1, 5_000);
    expect(limit).toEqual({ allowed: 1, ceiling: 1, since: 5_000 });
    expect(afterAnswer(limit, 5_000 + QUIET, QUIET)).toEqual(limit);
  });
});

describe('MailboxGovernor: a lowered in-flight limit recovers', () => {
  it('raises the limit after a quiet period, says so, and lets a waiting request take the new slot', async () => {
    let now = 0;
    const clock: Clock = { now: () => now, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 5))) };
    const raised: string[] = [];
    const governor = new MailboxGovernor('ann', { clock, requestBurst: 100, recoverAfterMs: QUIET, events: { onConcurrencyRaised: (_m, from, to) => raised.push(`${from}->${to}`) } });
    for (const at of [4, 3, 2]) governor.lowerConcurrency(at);
    expect(governor.concurrency).toBe(1);
    const releases: Array<() => void> = [];
    let started = 0;
    const all = Array.from({ length: 2 }, () =>
      governor.run(0, async () => {
        started += 1;
        await new Promise<void>((resolve) => releases.push(resolve));
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(started).toBe(1);
    expect(governor.noteAnswered()).toBeUndefined();
    now = QUIET;
    expect(governor.noteAnswered()).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(started).toBe(2);
    expect(raised).toEqual(['1->2']);
    releases.forEach((release) => release());
    await Promise.all(all);
    expect(governor.inFlight).toBe(0);
  });
});
