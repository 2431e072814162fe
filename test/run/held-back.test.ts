import { describe, expect, it } from 'vitest';
import { HoldTime } from '../../src/accounting/hold-time.js';
import { Stats } from '../../src/accounting/stats.js';
import { runLine } from '../../src/commands/outputs.js';
import { describeProgress } from '../../src/run/progress.js';

describe('time held back by the limits', () => {
  it('is the union of overlapping waits, not their sum', () => {
    const hold = new HoldTime();
    // Four parallel requests wait out the same 10 s budget, then one more 5 s wait later on.
    for (let i = 0; i < 4; i++) hold.add(1_000 + i * 100, 10_000 - i * 100);
    hold.add(20_000, 5_000);
    expect(hold.totalMs(30_000)).toBe(15_000);
    // A wait still running counts only as far as it has got.
    expect(hold.totalMs(22_000)).toBe(12_000);
  });

  it('joins a wait that starts inside another to it', () => {
    const hold = new HoldTime();
    hold.add(0, 4_000);
    hold.add(3_000, 4_000);
    expect(hold.totalMs(10_000)).toBe(7_000);
  });

  it('never reports more held-back time than the run took, in the stats line and the bar', () => {
    const stats = new Stats();
    const start = Date.now();
    const box = stats.mailbox('ann@contoso.com');
    box.requests = 528;
    box.wanted = 100;
    box.done = 40;
    for (let i = 0; i < 4; i++) stats.recordHold('ann@contoso.com', 10_000, start + i);
    const snapshot = stats.snapshot(start + 20_000);
    expect(snapshot.mailboxes['ann@contoso.com']?.heldBackMs).toBe(10_003);
    expect(snapshot.heldBackMs).toBe(10_003);
    const line = runLine(snapshot);
    expect(line).toMatch(/^Graph: 528 requests in 20\.\d s, held back by the mailbox's limits for 10\.0 s of that, 0 answered 429, 0 retries$/);
    expect(describeProgress({ ...snapshot, phase: 'importing' })).toContain('| held back 10s by limits');
  });

  it('counts the wall-clock time any mailbox was held back, once, across mailboxes', () => {
    const stats = new Stats();
    const start = Date.now();
    stats.mailbox('ann@contoso.com').requests = 1;
    stats.mailbox('bob@contoso.com').requests = 1;
    stats.recordHold('ann@contoso.com', 6_000, start);
    stats.recordHold('bob@contoso.com', 6_000, start + 2_000);
    const snapshot = stats.snapshot(start + 10_000);
    expect(snapshot.heldBackMs).toBe(8_000);
    expect(runLine(snapshot)).toContain("held back by a mailbox's limits for 8.0 s of that");
  });
});
