import { createPrng } from './prng.js';

export type FaultKind =
  | '503-retry-after'
  | '503'
  | '504-after-commit'
  | 'reset-before-commit'
  | 'reset-after-commit'
  | 'slow'
  | '429-too-many-requests'
  | '429-no-retry-after'
  /** Scheduled only (never rolled): the app's permission withdrawn in the middle of a run. */
  | '403-access-denied'
  /** Scheduled only: the item is gone (a folder someone deleted during the run); no retry mends it. */
  | '404-item-not-found';

/** Faults that only make sense once something was created. */
const AFTER_COMMIT_KINDS: ReadonlySet<FaultKind> = new Set(['504-after-commit', 'reset-after-commit']);

/** Order in which rates are rolled, so a seed gives the same sequence every run. */
const ROLL_ORDER: FaultKind[] = [
  '503-retry-after',
  '503',
  '429-too-many-requests',
  '429-no-retry-after',
  'reset-before-commit',
  '504-after-commit',
  'reset-after-commit',
  'slow',
];

export interface ScheduledFault {
  kind: FaultKind;
  /** 1-based: the fault hits the nth Graph request that matches `method` and `path`. */
  nth: number;
  method?: string;
  /** Substring of the request path, or a RegExp tested against it. */
  path?: string | RegExp;
}

export interface FaultOptions {
  /** Probability per eligible Graph request, 0..1. */
  rates?: Partial<Record<FaultKind, number>>;
  schedule?: ScheduledFault[];
  retryAfterSeconds?: number;
  /**
   * How long a `slow` request waits before the server works on it: a fixed time, or a range drawn from
   * per slow request (Exchange under load takes 5 to 15 s, and then commits the create all the same).
   */
  slowMs?: number | { min: number; max: number };
}

export interface FaultRequest {
  requestId: string;
  method: string;
  path: string;
  /** A POST that creates something (message, folder, attachment, move). */
  isCreate: boolean;
}

export interface InjectedFault {
  kind: FaultKind;
  method: string;
  path: string;
  requestId: string;
  at: string;
}

export class FaultInjector {
  private readonly random: () => number;
  private readonly slowRandom: () => number;
  private readonly scheduleCounts: number[];
  private readonly injected: InjectedFault[];

  /** `previous` carries the history across a reconfiguration. */
  constructor(
    private readonly options: FaultOptions,
    seed: number,
    previous: InjectedFault[] = [],
  ) {
    this.random = createPrng(seed);
    this.slowRandom = createPrng(seed ^ 0x5eed);
    this.injected = [...previous];
    this.scheduleCounts = (options.schedule ?? []).map(() => 0);
  }

  get retryAfterSeconds(): number {
    return this.options.retryAfterSeconds ?? 1;
  }

  /** The delay of one slow request; a range is drawn from its own generator, so fault sequences stay as they were. */
  slowDelayMs(): number {
    const slow = this.options.slowMs ?? 2000;
    if (typeof slow === 'number') return slow;
    return slow.min + this.slowRandom() * Math.max(0, slow.max - slow.min);
  }

  /** Decides the fault for one request; undefined means behave normally. Call `record` once it is applied. */
  decide(request: FaultRequest): FaultKind | undefined {
    return this.fromSchedule(request) ?? this.fromRates(request);
  }

  /** An after-commit fault is recorded only if there was a commit to fault after. */
  record(kind: FaultKind, request: FaultRequest): void {
    this.injected.push({ kind, method: request.method, path: request.path, requestId: request.requestId, at: new Date().toISOString() });
  }

  history(): InjectedFault[] {
    return this.injected.map((fault) => ({ ...fault }));
  }

  private fromSchedule(request: FaultRequest): FaultKind | undefined {
    const schedule = this.options.schedule ?? [];
    let chosen: FaultKind | undefined;
    schedule.forEach((entry, index) => {
      if (!matches(entry, request)) return;
      const count = (this.scheduleCounts[index] ?? 0) + 1;
      this.scheduleCounts[index] = count;
      if (count === entry.nth && !chosen) chosen = entry.kind;
    });
    return chosen;
  }

  private fromRates(request: FaultRequest): FaultKind | undefined {
    const rates = this.options.rates;
    if (!rates) return undefined;
    for (const kind of ROLL_ORDER) {
      const rate = rates[kind] ?? 0;
      if (rate <= 0) continue;
      // Always draw, eligible or not, so one request's path does not shift later requests' faults.
      const hit = this.random() < rate;
      if (hit && (request.isCreate || !AFTER_COMMIT_KINDS.has(kind))) return kind;
    }
    return undefined;
  }
}

function matches(entry: ScheduledFault, request: FaultRequest): boolean {
  if (AFTER_COMMIT_KINDS.has(entry.kind) && !request.isCreate) return false;
  if (entry.method && entry.method.toUpperCase() !== request.method) return false;
  if (entry.path === undefined) return true;
  return typeof entry.path === 'string' ? request.path.includes(entry.path) : entry.path.test(request.path);
}
