import { describe, expect, it } from 'vitest';
import { Stats, type StatsSnapshot } from '../../src/accounting/stats.js';
import { describeProgress } from '../../src/run/progress.js';

const scanning = (over: Partial<StatsSnapshot>): StatsSnapshot => ({ ...new Stats().snapshot(), phase: 'scanning', zipsTotal: 1, ...over });

describe('describeProgress while scanning', () => {
  it('says how far through the zips it is, by bytes, and when it will be done', () => {
    const text = describeProgress(scanning({ elapsedMs: 10_000, zipBytesTotal: 4_000_000, zipBytesRead: 1_000_000, entriesScanned: 250 }));
    expect(text).toContain('zip 1/1, 250 entries');
    expect(text).toContain(', 25%, ETA 30s');
  });

  it('gives no ETA before anything is read, and no percentage without sizes', () => {
    expect(describeProgress(scanning({ elapsedMs: 500, zipBytesTotal: 1000, zipBytesRead: 0 }))).toMatch(/, 0%$/);
    expect(describeProgress(scanning({ elapsedMs: 500, zipBytesTotal: 0, zipBytesRead: 0 }))).toMatch(/unreadable$/);
  });

  it('shows the mailboxes already being imported beside the scan, since each starts once its zips are read', () => {
    const stats = new Stats();
    stats.phase = 'scanning';
    stats.zipsTotal = 3;
    Object.assign(stats.mailbox('ann@contoso.com'), { wanted: 40, done: 12, startedAtMs: Date.now() - 4000 });
    const text = describeProgress(stats.snapshot());
    expect(text).toMatch(/^scanning: zip 1\/3, .* \| ann@contoso\.com \| 12\/40 \|/);
    // Above a handful of mailboxes, totals instead of one part each.
    for (let i = 0; i < 8; i++) stats.mailbox(`m${i}@contoso.com`).startedAtMs = Date.now();
    stats.mailboxesTotal = 20;
    expect(describeProgress(stats.snapshot())).toMatch(/^scanning: .* \| 20 mailboxes: 0 done, 9 importing, 11 waiting/);
  });
});
