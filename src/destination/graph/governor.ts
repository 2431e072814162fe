/**
 * One governor per mailbox, shared by every request to it (uploads, folder calls, listings, reconcile's
 * reads): Outlook's limits are per app and mailbox, so pacing must see all of them. It bounds requests in
 * flight, paces before sending so the request and upload budgets are not run into, and holds everything
 * back while Graph has said Retry-After.
 */
import type { DestinationEvents } from '../types.js';
import { SlidingBudget } from './pacing.js';
import { afterAnswer, afterConcurrencyThrottle, initialInFlightLimit, type InFlightLimit } from './in-flight-limit.js';

export interface GovernorLimits {
  /** Requests in flight at once. */
  readonly concurrency: number;
  readonly requestsPerWindow: number;
  readonly requestWindowMs: number;
  /** Request body bytes of POST, PUT and PATCH. */
  readonly bytesPerWindow: number;
  readonly bytesWindowMs: number;
}

/** Outlook's documented per app+mailbox limits. */
export const OUTLOOK_LIMITS: GovernorLimits = {
  concurrency: 4,
  requestsPerWindow: 10_000,
  requestWindowMs: 600_000,
  bytesPerWindow: 150 * 1024 * 1024,
  bytesWindowMs: 300_000,
};

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/**
 * Intervals on the monotonic clock: the wall clock steps (NTP, a VM restored), and a step back of an hour
 * left every recorded spend an hour in the future, so nothing was admitted for an hour (accidents probe).
 */
export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export type ThrottleReason = 'retry-after' | 'request-budget' | 'byte-budget' | 'concurrency';

export interface GovernorOptions {
  readonly limits?: Partial<GovernorLimits>;
  /** Multiplies both windows, as the emulator's and the benchmark's time scaling does (0.01 = 100x shorter). */
  readonly timeScale?: number;
  /**
   * Share of each budget kept in reserve, because Graph counts a request when it arrives, not when we send
   * it, and latency varies. Default 0.02.
   */
  readonly margin?: number;
  /**
   * How much the latency of requests to Graph may vary, in real milliseconds (not time-scaled): each spend
   * stays counted this much longer than the window, so arrivals at Graph stay within its limits too.
   * Default 250.
   */
  readonly latencyAllowanceMs?: number;
  /** Requests that may go back to back before pacing spreads them. Default: the concurrency. */
  readonly requestBurst?: number;
  /** Bytes that may go back to back before pacing spreads them. Default 8 MiB, at most 5% of the budget. */
  readonly byteBurst?: number;
  /**
   * How long a mailbox whose in-flight limit was lowered must answer without a MailboxConcurrency 429
   * before it gets one more request in flight (time-scaled like the windows). Default 60 s.
   */
  readonly recoverAfterMs?: number;
  readonly clock?: Clock;
  readonly events?: DestinationEvents;
}

const DEFAULT_RECOVER_AFTER_MS = 60_000;

export class MailboxGovernor {
  readonly limits: GovernorLimits;
  private readonly requests: SlidingBudget;
  private readonly bytes: SlidingBudget;
  private readonly clock: Clock;
  private readonly events: DestinationEvents | undefined;
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  /** Starts at limits.concurrency; lowered for a mailbox that answers MailboxConcurrency 429s, raised again after quiet (in-flight-limit.ts). */
  private inFlightLimit: InFlightLimit;
  private readonly recoverAfterMs: number;
  private pausedUntil = 0;

  constructor(
    readonly mailbox: string,
    options: GovernorOptions = {},
  ) {
    const limits = { ...OUTLOOK_LIMITS, ...options.limits };
    const scale = options.timeScale ?? 1;
    const keep = 1 - (options.margin ?? 0.02);
    if (!(scale > 0)) throw new TypeError(`timeScale must be positive, got ${scale}`);
    if (!(keep > 0 && keep <= 1)) throw new TypeError(`margin must be in [0, 1), got ${options.margin}`);
    if (!(Number.isInteger(limits.concurrency) && limits.concurrency >= 1)) {
      throw new TypeError(`concurrency must be a positive integer, got ${limits.concurrency}`);
    }
    this.limits = limits;
    this.clock = options.clock ?? systemClock;
    this.inFlightLimit = initialInFlightLimit(limits.concurrency, this.clock.now());
    this.recoverAfterMs = (options.recoverAfterMs ?? DEFAULT_RECOVER_AFTER_MS) * scale;
    this.events = options.events;
    this.requests = new SlidingBudget({
      limit: Math.max(1, Math.floor(limits.requestsPerWindow * keep)),
      windowMs: limits.requestWindowMs * scale,
      burst: options.requestBurst ?? limits.concurrency,
      guardMs: options.latencyAllowanceMs ?? 250,
    });
    this.bytes = new SlidingBudget({
      limit: Math.max(1, Math.floor(limits.bytesPerWindow * keep)),
      windowMs: limits.bytesWindowMs * scale,
      // Two of the largest requests, but never a large share of a (scaled-down) budget.
      burst: options.byteBurst ?? Math.min(8 * 1024 * 1024, limits.bytesPerWindow * 0.05),
      guardMs: options.latencyAllowanceMs ?? 250,
    });
  }

  /** Requests allowed in flight now. */
  get concurrency(): number {
    return this.inFlightLimit.allowed;
  }

  private get allowed(): number {
    return this.inFlightLimit.allowed;
  }

  /**
   * Graph answered 429 MailboxConcurrency to a request sent while `atLimit` were allowed: allow one fewer
   * (never below 1). Requests sent under the same limit that were throttled too do not lower it again, so one
   * burst of 429s costs one step. Returns the new limit when it changed.
   */
  lowerConcurrency(atLimit: number): number | undefined {
    const from = this.allowed;
    this.inFlightLimit = afterConcurrencyThrottle(this.inFlightLimit, atLimit, this.clock.now());
    if (this.allowed === from) return undefined;
    this.events?.onConcurrencyLowered?.(this.mailbox, from, this.allowed);
    return this.allowed;
  }

  /**
   * A request to this mailbox was answered without a MailboxConcurrency 429: after a quiet period a lowered
   * limit goes one step back up, and a waiting request takes the new slot at once. Returns the new limit
   * when it changed.
   */
  noteAnswered(): number | undefined {
    const from = this.allowed;
    this.inFlightLimit = afterAnswer(this.inFlightLimit, this.clock.now(), this.recoverAfterMs);
    if (this.allowed === from) return undefined;
    this.events?.onConcurrencyRaised?.(this.mailbox, from, this.allowed);
    while (this.running < this.allowed && this.waiting.length > 0) {
      this.running++;
      this.waiting.shift()?.();
    }
    return this.allowed;
  }

  /** Requests currently holding a slot. */
  get inFlight(): number {
    return this.running;
  }

  /**
   * Runs `send` when a slot is free, no Retry-After pause is on and both budgets allow it. `uploadBytes` is
   * the request body size for POST/PUT/PATCH (0 for reads).
   */
  async run<T>(uploadBytes: number, send: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      await this.admit(Math.max(0, uploadBytes));
      return await send();
    } finally {
      this.release();
    }
  }

  /** Graph said Retry-After: every request to this mailbox waits until then. */
  pause(milliseconds: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + milliseconds);
  }

  private async admit(uploadBytes: number): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      const paused = this.pausedUntil - now;
      if (paused > 0) {
        await this.wait(paused, 'retry-after');
        continue;
      }
      const forRequests = this.requests.delayFor(1, now);
      const forBytes = uploadBytes > 0 ? this.bytes.delayFor(uploadBytes, now) : 0;
      if (forRequests <= 0 && forBytes <= 0) {
        // Committed in the same turn as the check, so waiters that wake together see each other's spend.
        this.requests.commit(1, now);
        if (uploadBytes > 0) this.bytes.commit(uploadBytes, now);
        return;
      }
      if (forBytes >= forRequests) await this.wait(forBytes, 'byte-budget');
      else await this.wait(forRequests, 'request-budget');
    }
  }

  /**
   * One wait of `ms` by this governor's clock. A timer may fire a fraction of a millisecond before the
   * monotonic clock says the time has come (libuv counts whole milliseconds): sleeping the rest is part of
   * the same wait, not a second one (a 1 s Retry-After was reported as two pauses, a test flaky 2 runs in 6).
   */
  private async wait(ms: number, reason: ThrottleReason): Promise<void> {
    const until = this.clock.now() + ms;
    this.events?.onThrottleWait?.(this.mailbox, Math.ceil(ms), reason);
    for (let left = ms; left > 0; left = until - this.clock.now()) await this.clock.sleep(Math.ceil(left));
  }

  private async acquire(): Promise<void> {
    if (this.running < this.allowed) {
      this.running++;
      return;
    }
    const started = this.clock.now();
    // release() hands its slot straight to the first waiter, so the count never drops and rises again.
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    const waited = this.clock.now() - started;
    if (waited > 0) this.events?.onThrottleWait?.(this.mailbox, waited, 'concurrency');
  }

  private release(): void {
    // After a lowering, slots are handed on only once the count is below the new limit.
    const next = this.running <= this.allowed ? this.waiting.shift() : undefined;
    if (next) next();
    else this.running--;
  }
}
