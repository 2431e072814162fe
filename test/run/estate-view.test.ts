import { describe, expect, it } from 'vitest';
import type { MailboxCounters, StatsSnapshot } from '../../src/accounting/stats.js';
import { estateView } from '../../src/run/estate-view.js';
import { describeProgress, startProgress } from '../../src/run/progress.js';
import { Stats } from '../../src/accounting/stats.js';

const NOW = 1_000_000;

function box(partial: Partial<MailboxCounters>): MailboxCounters {
  return { wanted: 100, done: 0, imported: 0, alreadyPresent: 0, failed: 0, bytesUploaded: 0, requests: 0, throttled: 0, heldBackMs: 0, retries: 0, recovered: 0, resent: 0, inFlightFrom: null, inFlightLoweredTo: null, startedAtMs: 0, finished: false, ...partial };
}

function snapshot(elapsedMs: number, mailboxes: Record<string, MailboxCounters>, mailboxesTotal: number): StatsSnapshot {
  return { phase: 'importing', elapsedMs, zipsTotal: 0, zipsDone: 0, entriesTotal: 0, entriesScanned: 0, bytesScanned: 0, zipBytesTotal: 0, zipBytesRead: 0, unreadable: 0, mailboxes, mailboxesTotal, heldBackMs: 0, lastError: null, errors: 0 };
}

describe('the estate view', () => {
  const started = NOW - 100_000; // 100 s ago
  const before = snapshot(90_000, {
    'a@x': box({ done: 10, startedAtMs: started }),
    'b@x': box({ done: 40, startedAtMs: started }),
    'c@x': box({ done: 50, startedAtMs: started }),
    'd@x': box({ done: 100, startedAtMs: started, finished: true }),
  }, 200);
  const now = snapshot(100_000, {
    'a@x': box({ done: 40, startedAtMs: started, bytesUploaded: 2e6 }), // 3.0 msg/s recently, ETA 60/0.4 = 150 s
    'b@x': box({ done: 50, startedAtMs: started, failed: 2 }), // 1.0 msg/s, ETA 50/0.5 = 100 s
    'c@x': box({ done: 50, startedAtMs: started }), // idle
    'd@x': box({ done: 100, wanted: 100, startedAtMs: started, finished: true }),
  }, 200);

  it('shows totals, done/importing/waiting counts and the slowest ETA', () => {
    const view = estateView(now, before, 2, NOW);
    expect(view.totals).toBe('200 mailboxes: 1 done, 3 importing, 196 waiting | 240/400 messages (2 failed) | 2.0 MB | 4.0 msg/s | slowest a@x ETA 2m30s');
  });

  it('lists the busiest importing mailboxes first, at most `limit`, never a finished one', () => {
    expect(estateView(now, before, 2, NOW).busiest.map((l) => [l.upn, l.recentRate])).toEqual([['a@x', 3], ['b@x', 1]]);
    expect(estateView(now, before, 10, NOW).busiest.map((l) => l.upn)).toEqual(['a@x', 'b@x', 'c@x']);
  });

  it('keeps a plain progress line short above a few mailboxes', () => {
    const line = describeProgress(now, before);
    expect(line).toMatch(/^importing: 200 mailboxes: 1 done, 3 importing/);
    expect(line).toContain('busiest: a@x 40/100 3.0 msg/s, b@x 50/100 1.0 msg/s, c@x 50/100 0.0 msg/s');
    expect(line).not.toContain('d@x');
  });

  it('draws a totals bar and a screenful of the busiest on a terminal, not one bar per mailbox', async () => {
    const stats = new Stats();
    stats.phase = 'importing';
    stats.mailboxesTotal = 40;
    for (let i = 0; i < 40; i++) Object.assign(stats.mailbox(`m${String(i).padStart(2, '0')}@x`), { wanted: 10, done: i % 10, startedAtMs: Date.now() - 1000 });
    let out = '';
    const progress = startProgress(stats, { write: (s: string) => (out += s), isTTY: true, columns: 200, rows: 12 }, true);
    await new Promise((resolve) => setTimeout(resolve, 600));
    progress.stop();
    const lastFrame = out.slice(out.lastIndexOf('40 mailboxes: 0 done, 40 importing, 0 waiting'));
    expect(lastFrame).not.toBe('');
    // The totals line names the slowest mailbox; the bars after it name the busiest.
    const bars = lastFrame.slice(lastFrame.indexOf('\n'));
    const named = new Set([...bars.matchAll(/m\d\d@x/g)].map((m) => m[0]));
    expect(named.size).toBeGreaterThan(0);
    expect(named.size).toBeLessThanOrEqual(12 - 4 - 2);
  });
});
