import { describe, expect, it } from 'vitest';
import { DEFAULT_ASSUMPTIONS, uploadBytesOf } from '../../src/plan/assumptions.js';
import { mailboxTime, steadyRate } from '../../src/plan/mailbox-time.js';
import { makespan } from '../../src/plan/schedule.js';
import { assignShards } from '../../src/plan/shards.js';
import { planEstate } from '../../src/plan/estate.js';
import { OUTLOOK_LIMITS } from '../../src/destination/graph/governor.js';

const A = DEFAULT_ASSUMPTIONS;
const MiB = 1024 * 1024;

describe('the shortest time for one mailbox', () => {
  it("uses the importer's own Outlook limits", () => {
    expect({ concurrency: A.concurrency, requestsPerWindow: A.requestsPerWindow, requestWindowMs: A.requestWindowMs, bytesPerWindow: A.bytesPerWindow, bytesWindowMs: A.bytesWindowMs }).toEqual(OUTLOOK_LIMITS);
  });

  it('is bound by in-flight latency for small messages: 4 in flight at 300 ms is 13.3 messages/s', () => {
    const t = mailboxTime({ messages: 4000, bytes: 4000 * 8000 }, A);
    expect(t.binding).toBe('in-flight latency');
    expect(t.seconds).toBeCloseTo(300, 6); // 4000 x 0.3 s / 4
    expect(t.bounds.requests).toBe(0); // under one window's 10,000
    expect(t.bounds.bytes).toBe(0); // 42.7 MB, under one window's 150 MB
  });

  it('is bound by the request budget with two requests per message and short latency', () => {
    const t = mailboxTime({ messages: 20_000, bytes: 20_000 * 1000 }, { ...A, latencyMs: 100, requestsPerMessage: 2 });
    // 40,000 requests: 10,000 at once, then 30,000 at 10,000 per 600 s = 1,800 s; latency bound 1,000 s.
    expect(t.bounds.requests).toBeCloseTo(1800, 6);
    expect(t.bounds['in-flight latency']).toBeCloseTo(1000, 6);
    expect(t.binding).toBe('requests');
    expect(t.seconds).toBeCloseTo(1800, 6);
  });

  it('is bound by bytes for a 10 GB mailbox of large messages', () => {
    const bytes = 10e9;
    const t = mailboxTime({ messages: 20_000, bytes }, A);
    const expected = (uploadBytesOf(bytes) - 150 * MiB) / ((150 * MiB) / 300);
    expect(t.binding).toBe('bytes');
    expect(t.seconds).toBeCloseTo(expected, 6);
    expect(t.seconds / 3600).toBeCloseTo(6.98, 2); // 13.3 GB of base64 at 0.52 MB/s
  });

  it('gives the steady rate of the first limit to bind', () => {
    expect(steadyRate(8000, A)).toEqual({ value: 4 / 0.3, binding: 'in-flight latency' });
    const big = steadyRate(1e6, A);
    expect(big.binding).toBe('bytes');
    expect(big.value).toBeCloseTo((150 * MiB) / 300 / uploadBytesOf(1e6), 9);
  });
});

describe('scheduling and shards', () => {
  it('fills free slots in order', () => {
    expect(makespan([{ seconds: 10 }, { seconds: 5 }, { seconds: 5 }, { seconds: 5 }], 2)).toBe(15);
    expect(makespan([{ seconds: 10 }, { seconds: 5 }], 8)).toBe(10);
    expect(makespan([], 3)).toBe(0);
  });

  it('assigns whole mailboxes longest first to the lightest shard, ties by name, the same every time', () => {
    const boxes = [
      { mailbox: 'c@x', bytes: 5 },
      { mailbox: 'a@x', bytes: 100 },
      { mailbox: 'b@x', bytes: 60 },
      { mailbox: 'd@x', bytes: 50 },
      { mailbox: 'e@x', bytes: 5 },
    ];
    const shards = assignShards(boxes, 2).map((s) => s.map((m) => m.mailbox));
    // a(100)->0; b(60)->1; d(50)->1 (60<100); c(5)->0 (100<110); e(5)->0 (105<110).
    expect(shards).toEqual([['a@x', 'c@x', 'e@x'], ['b@x', 'd@x']]);
    expect(assignShards([...boxes].reverse(), 2).map((s) => s.map((m) => m.mailbox))).toEqual(shards);
    expect(assignShards(boxes, 7).filter((s) => s.length === 0)).toHaveLength(2);
    expect(() => assignShards([...boxes, { mailbox: 'a@x', bytes: 1 }], 2)).toThrow(/twice/);
  });

  it('plans the estate: per shard times, bounded below by the longest mailbox', () => {
    const mb = (mailbox: string, messages: number) => ({ mailbox, zips: [`${mailbox}.zip`], messages, bytes: messages * 8000 });
    const plan = planEstate([mb('big@x', 8000), mb('s1@x', 1000), mb('s2@x', 1000), mb('s3@x', 1000)], { parallel: 2, machines: 2 }, A);
    expect(plan.mailboxes.map((m) => m.mailbox)).toEqual(['big@x', 's1@x', 's2@x', 's3@x']);
    expect(plan.shards.map((s) => s.mailboxes)).toEqual([['big@x'], ['s1@x', 's2@x', 's3@x']]);
    expect(plan.shards[0]?.seconds).toBeCloseTo(600, 6); // 8000 x 0.3 / 4
    expect(plan.shards[1]?.seconds).toBeCloseTo(150, 6); // 75 + 75 on two slots
    expect(plan.seconds).toBeCloseTo(600, 6);
    expect(plan.lowerBoundSeconds).toBeCloseTo(600, 6);
    expect(plan.largestMailbox).toBe('big@x');
    expect(plan.totals).toMatchObject({ mailboxes: 4, messages: 11_000, bytes: 88_000_000 });
  });
});
