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
});
