/**
 * The arithmetic of one budget ("N units per window"): how long to wait before spending `cost` units.
 * No clock and no timers: every method takes the time, so tests feed plain numbers.
 *
 * Two rules combine, and the wait is the longer of the two:
 * - a sliding-window log, the hard guarantee: the units spent in any window never exceed the limit;
 * - a GCRA schedule (virtual arrival time) that spreads spending evenly at limit/window, allowing only a
 *   small burst, so the budget is not spent in the first seconds and then stalled on for the rest.
 */

export interface BudgetSpec {
  /** Units allowed in any window (requests, or bytes). */
  readonly limit: number;
  readonly windowMs: number;
  /** Units that may go back to back before the even spreading applies. */
  readonly burst: number;
  /**
   * Extra time each spend stays counted, beyond the window. The server counts arrivals, not sends, and
   * arrival lags sending by a varying latency (a new TLS connection, a slow proxy); spends counted for
   * window + guard are within the limit in any window of arrivals whose latencies differ by at most guard.
   */
  readonly guardMs?: number;
}

interface Spend {
  readonly at: number;
  readonly cost: number;
}

export class SlidingBudget {
  private readonly log: Spend[] = [];
  private head = 0;
  private inWindow = 0;
  /** GCRA's theoretical arrival time: when the schedule would be idle again. */
  private scheduledUntil = Number.NEGATIVE_INFINITY;
  private readonly msPerUnit: number;
  private readonly tolerance: number;
  /** The window as enforced: the server's window plus the latency guard. */
  private readonly spanMs: number;

  constructor(readonly spec: BudgetSpec) {
    const guard = spec.guardMs ?? 0;
    if (!(spec.limit > 0) || !(spec.windowMs > 0) || !(spec.burst >= 0) || !(guard >= 0)) {
      throw new TypeError(`invalid budget: ${JSON.stringify(spec)}`);
    }
    this.spanMs = spec.windowMs + guard;
    // The even schedule runs at the rate the guarded window allows, so the hard cap rarely has to bite.
    this.msPerUnit = this.spanMs / spec.limit;
    this.tolerance = spec.burst * this.msPerUnit;
  }

  /** Milliseconds from `now` until `cost` units may be spent; 0 when they may go now. */
  delayFor(cost: number, now: number): number {
    this.expire(now);
    return Math.max(this.windowDelay(cost, now), this.scheduleDelay(now));
  }

  /** Records `cost` units spent at `at` (normally the `now` that delayFor answered 0 for). */
  commit(cost: number, at: number): void {
    this.expire(at);
    this.log.push({ at, cost });
    this.inWindow += cost;
    this.scheduledUntil = Math.max(this.scheduledUntil, at) + cost * this.msPerUnit;
  }

  /** Units spent in the (guarded) window ending at `now`. */
  spentAt(now: number): number {
    this.expire(now);
    return this.inWindow;
  }

  private scheduleDelay(now: number): number {
    return Math.max(0, this.scheduledUntil - this.tolerance - now);
  }

  private windowDelay(cost: number, now: number): number {
    // A single spend larger than the whole budget can only go into an empty window.
    const needed = Math.min(cost, this.spec.limit);
    let excess = this.inWindow + needed - this.spec.limit;
    if (excess <= 0) return 0;
    for (let i = this.head; i < this.log.length; i++) {
      const spend = this.log[i]!;
      excess -= spend.cost;
      if (excess <= 0) return Math.max(0, spend.at + this.spanMs - now);
    }
    return this.spanMs;
  }

  private expire(now: number): void {
    const cutoff = now - this.spanMs;
    while (this.head < this.log.length && this.log[this.head]!.at <= cutoff) {
      this.inWindow -= this.log[this.head]!.cost;
      this.head++;
    }
    // Compact now and then so the log stays as long as one window's spends.
    if (this.head > 1024 && this.head * 2 > this.log.length) {
      this.log.splice(0, this.head);
      this.head = 0;
    }
  }
}
