import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveEndpoints } from '../../src/destination/graph/cloud.js';
import { secretCredential } from '../../src/destination/graph/credentials.js';
import { MailboxGovernor, type Clock, type ThrottleReason } from '../../src/destination/graph/governor.js';
import { GraphHttp, type GraphHttpOptions } from '../../src/destination/graph/graph-http.js';
import { SlidingBudget } from '../../src/destination/graph/pacing.js';
import { createTokenSource } from '../../src/destination/graph/token-source.js';
import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator/index.js';

/** Most units spent in any window of `windowMs` (windows end at each spend). */
function maxInAnyWindow(spends: Array<{ at: number; cost: number }>, windowMs: number): number {
  let max = 0;
  for (const end of spends) {
    const sum = spends.filter((s) => s.at > end.at - windowMs && s.at <= end.at).reduce((a, s) => a + s.cost, 0);
    max = Math.max(max, sum);
  }
  return max;
}

/** Spends greedily: each unit goes as soon as the budget allows. */
function drain(budget: SlidingBudget, costs: number[], start = 0): Array<{ at: number; cost: number }> {
  const spends: Array<{ at: number; cost: number }> = [];
  let now = start;
  for (const cost of costs) {
    now += budget.delayFor(cost, now);
    expect(budget.delayFor(cost, now)).toBe(0);
    budget.commit(cost, now);
    spends.push({ at: now, cost });
  }
  return spends;
}

describe('SlidingBudget (pacing arithmetic)', () => {
  it('never lets more than the limit into any window', () => {
    const budget = new SlidingBudget({ limit: 100, windowMs: 1000, burst: 10 });
    const spends = drain(budget, Array.from({ length: 1000 }, () => 1));
    expect(maxInAnyWindow(spends, 1000)).toBeLessThanOrEqual(100);
    // ...and still uses the budget: 1000 units need close to 10 windows, not many more.
    expect(spends.at(-1)!.at).toBeLessThan(10_500);
  });

  it('spreads evenly after a small burst instead of spending the window at once', () => {
    const budget = new SlidingBudget({ limit: 100, windowMs: 1000, burst: 4 });
    const spends = drain(budget, Array.from({ length: 100 }, () => 1));
    const firstTenth = spends.filter((s) => s.at < 100).length;
    // An even spread admits ~10 per 100 ms (+ the burst); a burst-then-stall limiter would admit 100.
    expect(firstTenth).toBeLessThanOrEqual(4 + 10 + 1);
    const gaps = spends.slice(10).map((s, i) => s.at - spends[i + 9]!.at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(9.99);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(10.01);
  });

  it('paces bytes by size: big uploads wait proportionally longer', () => {
    const MB = 1024 * 1024;
    const budget = new SlidingBudget({ limit: 150 * MB, windowMs: 300_000, burst: 8 * MB });
    const spends = drain(budget, Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? 4 * MB : 64 * 1024)));
    expect(maxInAnyWindow(spends, 300_000)).toBeLessThanOrEqual(150 * MB);
    const total = spends.reduce((a, s) => a + s.cost, 0);
    // At 0.5 MB/s the schedule needs about total/rate seconds, less the burst allowance.
    const expectedMs = ((total - 8 * MB) / (150 * MB)) * 300_000;
    expect(spends.at(-1)!.at).toBeGreaterThan(expectedMs * 0.95);
    expect(spends.at(-1)!.at).toBeLessThan(expectedMs * 1.05 + 10_000);
  });

  it('lets one spend larger than the whole budget through only into an empty window', () => {
    const budget = new SlidingBudget({ limit: 10, windowMs: 1000, burst: 0 });
    budget.commit(1, 0);
    expect(budget.delayFor(50, 0)).toBeGreaterThan(0);
    const later = 1000 + budget.delayFor(50, 1000);
    expect(budget.delayFor(50, later)).toBe(0);
  });

  it('window delay points at the moment enough old spends expire', () => {
    const budget = new SlidingBudget({ limit: 3, windowMs: 1000, burst: 100 });
    budget.commit(1, 0);
    budget.commit(1, 200);
    budget.commit(1, 400);
    expect(budget.delayFor(1, 500)).toBe(500);
    expect(budget.delayFor(2, 500)).toBe(700);
    expect(budget.spentAt(1000)).toBe(2);
  });

  it('a latency guard keeps spends counted longer than the window', () => {
    const budget = new SlidingBudget({ limit: 2, windowMs: 1000, burst: 100, guardMs: 200 });
    budget.commit(1, 0);
    budget.commit(1, 10);
    // Without the guard the first spend would leave the window at 1000.
    expect(budget.delayFor(1, 1000)).toBe(200);
    expect(budget.spentAt(1100)).toBe(2);
    expect(budget.delayFor(1, 1200)).toBe(0);
    expect(budget.spentAt(1200)).toBe(1);
  });

  it('rejects nonsense limits', () => {
    expect(() => new SlidingBudget({ limit: 0, windowMs: 1000, burst: 1 })).toThrow(TypeError);
    expect(() => new SlidingBudget({ limit: 1, windowMs: -1, burst: 1 })).toThrow(TypeError);
    expect(() => new SlidingBudget({ limit: 1, windowMs: 1, burst: 1, guardMs: -5 })).toThrow(TypeError);
  });
});

/** Virtual time: sleeps resolve in time order when the test says so, without real waiting. */
class VirtualClock implements Clock {
  private time = 0;
  private timers: Array<{ at: number; resolve: () => void }> = [];

  now(): number {
    return this.time;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.timers.push({ at: this.time + Math.max(0, ms), resolve }));
  }

  /** Runs until `done` settles, advancing time to the next timer whenever everything is blocked. */
  async runUntil<T>(done: Promise<T>): Promise<T> {
    let settled = false;
    void done.finally(() => (settled = true)).catch(() => undefined);
    for (let guard = 0; guard < 1_000_000; guard++) {
      await new Promise((resolve) => setImmediate(resolve));
      if (settled) return done;
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers.shift();
      if (!next) continue;
      this.time = Math.max(this.time, next.at);
      next.resolve();
    }
    throw new Error('virtual clock ran away');
  }
}

describe('MailboxGovernor', () => {
  it('keeps admitting when the wall clock steps back (NTP, a VM restored): its own clock is monotonic', async () => {
    const waits: number[] = [];
    const governor = new MailboxGovernor('ann@contoso.com', { events: { onThrottleWait: (_m, ms) => waits.push(ms) } });
    const spendSome = () => Promise.all(Array.from({ length: 4 }, () => governor.run(1000, () => Promise.resolve())));
    await spendSome();
    const realNow = Date.now.bind(Date);
    const stepped = vi.spyOn(Date, 'now').mockImplementation(() => realNow() - 3_600_000);
    try {
      await spendSome();
    } finally {
      stepped.mockRestore();
    }
    // An hour's step back left every spend an hour in the future: the next admission waited an hour.
    expect(waits.filter((ms) => ms > 1000)).toEqual([]);
  }, 10_000);

  it('never runs more than `concurrency` requests at once and reports the waits', async () => {
    const clock = new VirtualClock();
    const waits: ThrottleReason[] = [];
    const governor = new MailboxGovernor('ann@contoso.com', {
      clock,
      limits: { concurrency: 4 },
      events: { onThrottleWait: (_m, _ms, reason) => waits.push(reason as ThrottleReason) },
    });
    let inFlight = 0;
    let maxInFlight = 0;
    const tasks = Array.from({ length: 40 }, (_, i) =>
      governor.run(0, async () => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await clock.sleep(100 + (i % 7) * 30);
        inFlight--;
        return i;
      }),
    );
    const results = await clock.runUntil(Promise.all(tasks));
    expect(results).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(maxInFlight).toBe(4);
    expect(governor.inFlight).toBe(0);
    expect(waits).toContain('concurrency');
  });

  it('keeps every request window and byte window within the (time-scaled) limits', async () => {
    const clock = new VirtualClock();
    const reasons = new Set<string>();
    const governor = new MailboxGovernor('ann@contoso.com', {
      clock,
      margin: 0,
      timeScale: 0.001, // windows of 600 ms and 300 ms
      limits: { concurrency: 4, requestsPerWindow: 50, requestWindowMs: 600_000, bytesPerWindow: 1000, bytesWindowMs: 300_000 },
      requestBurst: 4,
      byteBurst: 100,
      events: { onThrottleWait: (_m, _ms, reason) => reasons.add(reason) },
    });
    const sends: Array<{ at: number; bytes: number }> = [];
    const tasks = Array.from({ length: 200 }, (_, i) => {
      const bytes = i % 3 === 0 ? 60 : 0;
      return governor.run(bytes, async () => {
        sends.push({ at: clock.now(), bytes });
        await clock.sleep(5);
      });
    });
    await clock.runUntil(Promise.all(tasks));
    expect(sends).toHaveLength(200);
    expect(maxInAnyWindow(sends.map((s) => ({ at: s.at, cost: 1 })), 600)).toBeLessThanOrEqual(50);
    expect(maxInAnyWindow(sends.map((s) => ({ at: s.at, cost: s.bytes })), 300)).toBeLessThanOrEqual(1000);
    expect(reasons.has('request-budget') || reasons.has('byte-budget')).toBe(true);
  });

  it('a Retry-After pause holds back every request to the mailbox', async () => {
    const clock = new VirtualClock();
    const waits: Array<[number, string]> = [];
    const governor = new MailboxGovernor('ann@contoso.com', {
      clock,
      events: { onThrottleWait: (_m, ms, reason) => waits.push([ms, reason]) },
    });
    const sentAt: number[] = [];
    const send = () => governor.run(0, async () => void sentAt.push(clock.now()));
    await clock.runUntil(send());
    governor.pause(5000);
    await clock.runUntil(Promise.all([send(), send(), send()]));
    expect(sentAt[0]).toBe(0);
    expect(sentAt.slice(1).every((at) => at >= 5000)).toBe(true);
    expect(waits.filter(([, reason]) => reason === 'retry-after')).toHaveLength(3);
  });

  it('releases the slot when the request throws', async () => {
    const governor = new MailboxGovernor('ann@contoso.com', { limits: { concurrency: 1 } });
    await expect(governor.run(0, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(governor.inFlight).toBe(0);
    await expect(governor.run(0, () => Promise.resolve('next'))).resolves.toBe('next');
  });

  it('validates its options', () => {
    expect(() => new MailboxGovernor('m', { limits: { concurrency: 0 } })).toThrow(/concurrency/);
    expect(() => new MailboxGovernor('m', { timeScale: 0 })).toThrow(/timeScale/);
    expect(() => new MailboxGovernor('m', { margin: 1 })).toThrow(/margin/);
  });
});

describe('MailboxGovernor: in-flight lowered after MailboxConcurrency 429s', () => {
  it('steps down once per limit, never below 1, and hands slots on only below the new limit', async () => {
    const lowered: string[] = [];
    const governor = new MailboxGovernor('ann', { events: { onConcurrencyLowered: (_m, from, to) => lowered.push(`${from}->${to}`) } });
    expect(governor.concurrency).toBe(4);
    expect(governor.lowerConcurrency(4)).toBe(3);
    // Other requests sent under the old limit and throttled in the same burst do not lower it again.
    expect(governor.lowerConcurrency(4)).toBeUndefined();
    expect(governor.lowerConcurrency(3)).toBe(2);
    expect(governor.lowerConcurrency(2)).toBe(1);
    expect(governor.lowerConcurrency(1)).toBeUndefined();
    expect(lowered).toEqual(['4->3', '3->2', '2->1']);

    const fresh = new MailboxGovernor('bob', { requestBurst: 100 });
    let running = 0;
    let lowered2 = false;
    const runningAtStartAfterLowering: number[] = [];
    const releases: Array<() => void> = [];
    let finished = 0;
    const task = () =>
      fresh.run(0, async () => {
        running += 1;
        if (lowered2) runningAtStartAfterLowering.push(running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running -= 1;
        finished += 1;
      });
    const all = Array.from({ length: 8 }, task);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(running).toBe(4);
    fresh.lowerConcurrency(4);
    fresh.lowerConcurrency(3);
    lowered2 = true;
    while (finished < 8) {
      releases.shift()?.();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await Promise.all(all);
    expect(runningAtStartAfterLowering).toHaveLength(4);
    expect(Math.max(...runningAtStartAfterLowering)).toBeLessThanOrEqual(2);
    expect(running).toBe(0);
  });
});

describe('MailboxGovernor inside GraphHttp, against the emulator', () => {
  const ANN = 'ann@contoso.onmicrosoft.com';
  const running: Emulator[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((emulator) => emulator.close()));
  });

  async function stack(emulatorOptions: EmulatorOptions, httpOptions: Partial<GraphHttpOptions> = {}) {
    const emulator = await startEmulator(emulatorOptions);
    running.push(emulator);
    const endpoints = resolveEndpoints({ authorityHost: emulator.url, graphUrl: emulator.url });
    const tokens = createTokenSource({
      credential: secretCredential(emulator.clientSecret),
      tenant: emulator.tenant,
      clientId: emulator.clientId,
      endpoints,
    });
    const waits = new Map<string, number>();
    const graph = new GraphHttp({
      endpoints,
      tokens,
      backoff: { baseMs: 20, capMs: 200 },
      events: { onThrottleWait: (_m, _ms, reason) => waits.set(reason, (waits.get(reason) ?? 0) + 1) },
      ...httpOptions,
    });
    // Acquire the token first, so that concurrency is measured on Graph requests alone.
    await tokens.getToken();
    const statuses = () =>
      emulator.inspect
        .requests()
        .filter((request) => request.path.startsWith('/v1.0/') || request.path.startsWith('/beta/'))
        .map((request) => request.status);
    return { emulator, graph, waits, statuses };
  }

  const read = (graph: GraphHttp) => graph.request(ANN, { method: 'GET', path: `/users/${ANN}/mailFolders` });

  it('never has more than 4 requests in flight to a mailbox, so the emulator never throttles', async () => {
    const { emulator, graph, waits, statuses } = await stack({ latencyMs: { min: 20, max: 60 } });
    const results = await Promise.all(Array.from({ length: 60 }, () => read(graph)));
    expect(results.every((response) => response.status === 200)).toBe(true);
    expect(emulator.inspect.maxConcurrency(ANN)).toBe(4);
    expect(statuses().filter((status) => status === 429)).toHaveLength(0);
    expect(waits.get('concurrency')).toBeGreaterThan(0);
  });

  it('(control) a looser bound than Outlook’s is seen and throttled by the emulator', async () => {
    const { emulator, statuses, graph } = await stack({ latencyMs: { min: 20, max: 60 } }, { limits: { concurrency: 8 } });
    await Promise.all(Array.from({ length: 24 }, () => read(graph)));
    expect(emulator.inspect.maxConcurrency(ANN)).toBeGreaterThan(4);
    expect(statuses().filter((status) => status === 429).length).toBeGreaterThan(0);
  });

  it('a mailbox that answers 429 MailboxConcurrency at 4 in flight gets 3 from then on, and the event says so', async () => {
    const lowered: string[] = [];
    const { emulator, graph, statuses } = await stack(
      { latencyMs: { min: 80, max: 120 }, quirks: { throttleAtConcurrencyLimit: true } },
      { events: { onConcurrencyLowered: (mailbox, from, to) => lowered.push(`${mailbox} ${from}->${to}`) } },
    );
    const results = await Promise.all(Array.from({ length: 40 }, () => read(graph)));
    expect(results.every((response) => response.status === 200)).toBe(true);
    expect(lowered).toEqual([`${ANN} 4->3`]);
    expect(graph.governor(ANN).concurrency).toBe(3);
    const throttledSoFar = statuses().filter((status) => status === 429).length;
    expect(throttledSoFar).toBeGreaterThan(0);
    // Once lowered, the same load runs without a single 429.
    await Promise.all(Array.from({ length: 40 }, () => read(graph)));
    expect(statuses().filter((status) => status === 429).length).toBe(throttledSoFar);
    expect(emulator.inspect.maxConcurrency(ANN)).toBe(4);
  });

  it('paces requests within a time-scaled request budget instead of running into 429s', async () => {
    // 40 requests per 2.4 s window for both sides.
    const limits = { requestsPerWindow: 40, requestWindowMs: 600_000 };
    const timeScale = 0.004;
    const { graph, waits, statuses } = await stack({ limits, timeScale, latencyMs: { min: 5, max: 15 } }, { limits, timeScale });
    const results = await Promise.all(Array.from({ length: 100 }, () => read(graph)));
    expect(results.every((response) => response.status === 200)).toBe(true);
    expect(statuses().filter((status) => status === 429).length).toBeLessThanOrEqual(1);
    expect(waits.get('request-budget')).toBeGreaterThan(0);
  });

  it('paces uploads within a time-scaled byte budget instead of running into 429s', async () => {
    // 200 kB per 3 s window for both sides; 24 uploads of about 25 kB need three windows.
    const limits = { bytesPerWindow: 200_000, bytesWindowMs: 300_000 };
    const timeScale = 0.01;
    const { emulator, graph, waits, statuses } = await stack({ limits, timeScale }, { limits, timeScale });
    const body = (i: number) =>
      Buffer.from(
        [`Subject: upload ${i}`, 'From: z@example.com', `To: ${ANN}`, 'Date: Tue, 05 Mar 2024 10:00:00 +0000', '', 'x'.repeat(18_000), ''].join('\r\n'),
      ).toString('base64');
    await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        graph.request(ANN, {
          method: 'POST',
          path: `/users/${ANN}/mailFolders/inbox/importMime`,
          version: 'beta',
          body: body(i),
          contentType: 'text/plain',
          isCreate: true,
        }),
      ),
    );
    expect(emulator.inspect.messages(ANN).filter((message) => message.subject.startsWith('upload '))).toHaveLength(24);
    expect(statuses().filter((status) => status === 429)).toHaveLength(0);
    expect(waits.get('byte-budget')).toBeGreaterThan(0);
  });
});
