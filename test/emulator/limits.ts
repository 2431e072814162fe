import type { LimitOptions, LimitScope } from './options.js';

export type LimitVerdict =
  | { ok: true }
  | { ok: false; limit: 'MailboxConcurrency' | 'IncomingBytes' | 'MailboxRequests'; retryAfterSeconds: number };

interface Window {
  startedAt: number;
  used: number;
}

interface KeyState {
  inFlight: number;
  requests: Window;
  bytes: Window;
}

/**
 * Outlook's per app+mailbox (or, by `limitScope`, per mailbox) limits. Windows are fixed (they start with
 * the first request) and shortened by timeScale, so tests reach them in seconds; Retry-After is the time
 * left in the window, in whole seconds.
 */
export class MailboxLimits {
  private readonly states = new Map<string, KeyState>();
  private readonly maxObserved = new Map<string, number>();

  constructor(
    private limits: () => LimitOptions,
    private timeScale: () => number,
    private scope: () => LimitScope = () => 'appAndMailbox',
    private now: () => number = Date.now,
  ) {}

  /** Call when a request arrives; returns a release function to call exactly once when it is answered. */
  arrive(appId: string, upn: string): { observed: number; release: () => void } {
    const state = this.state(appId, upn);
    state.inFlight += 1;
    const observed = state.inFlight;
    this.maxObserved.set(upn, Math.max(this.maxObserved.get(upn) ?? 0, observed));
    let released = false;
    return {
      observed,
      release: () => {
        if (released) return;
        released = true;
        state.inFlight -= 1;
      },
    };
  }

  /** Concurrency and request budget, checked once per request after it has been authenticated. */
  admit(appId: string, upn: string, observedConcurrency: number): LimitVerdict {
    const limits = this.limits();
    const state = this.state(appId, upn);
    // Graph keeps counting requests while it throttles, so the budget is charged before the verdict.
    const requests = this.roll(state.requests, limits.requestWindowMs);
    requests.used += 1;
    if (observedConcurrency > limits.concurrency) {
      return { ok: false, limit: 'MailboxConcurrency', retryAfterSeconds: 1 };
    }
    if (requests.used > limits.requestsPerWindow) {
      return { ok: false, limit: 'MailboxRequests', retryAfterSeconds: this.secondsLeft(requests, limits.requestWindowMs) };
    }
    return { ok: true };
  }

  /** Upload budget for a PATCH/POST/PUT body; only admitted bytes are charged. */
  admitBytes(appId: string, upn: string, bytes: number): LimitVerdict {
    const limits = this.limits();
    const window = this.roll(this.state(appId, upn).bytes, limits.bytesWindowMs);
    if (bytes > 0 && window.used + bytes > limits.bytesPerWindow) {
      return { ok: false, limit: 'IncomingBytes', retryAfterSeconds: this.secondsLeft(window, limits.bytesWindowMs) };
    }
    window.used += bytes;
    return { ok: true };
  }

  maxConcurrency(upn: string): number {
    return this.maxObserved.get(upn.toLowerCase()) ?? 0;
  }

  private state(appId: string, upn: string): KeyState {
    const key = this.scope() === 'mailbox' ? upn : `${appId}|${upn}`;
    let state = this.states.get(key);
    if (!state) {
      const now = this.now();
      state = { inFlight: 0, requests: { startedAt: now, used: 0 }, bytes: { startedAt: now, used: 0 } };
      this.states.set(key, state);
    }
    return state;
  }

  private roll(window: Window, windowMs: number): Window {
    const now = this.now();
    if (now - window.startedAt >= windowMs * this.timeScale()) {
      window.startedAt = now;
      window.used = 0;
    }
    return window;
  }

  private secondsLeft(window: Window, windowMs: number): number {
    const leftMs = window.startedAt + windowMs * this.timeScale() - this.now();
    return Math.max(1, Math.ceil(leftMs / 1000));
  }
}
