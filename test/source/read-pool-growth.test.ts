/** When a read pool adds a worker: a pure decision over the busy times its workers and main thread report. */
import { describe, expect, it } from 'vitest';
import { GROWTH_WINDOW_BATCHES, PoolGrowth } from '../../src/source/read-pool-growth.js';

/**
 * Feeds `windows` windows of batches, each batch taking 10 ms of wall time, the workers busy for
 * `workersBusy` of it (per worker) and the main thread's event loop for `mainBusy`; returns, per window,
 * whether the last batch of it said to grow.
 */
function feed(growth: PoolGrowth, clock: { now: number; mainActive: number }, windows: number, workersBusy: number, mainBusy: number, workers = 1): boolean[] {
  const said: boolean[] = [];
  for (let w = 0; w < windows; w++) {
    let grow = false;
    for (let b = 0; b < GROWTH_WINDOW_BATCHES; b++) {
      clock.now += 10;
      clock.mainActive += 10 * mainBusy;
      // With several workers, each batch is one worker's: the busy time per wall time adds up over them.
      grow = growth.read({ busyMs: 10 * workersBusy * workers, nowMs: clock.now, mainActiveMs: clock.mainActive, workers });
    }
    said.push(grow);
  }
  return said;
}

describe('PoolGrowth', () => {
  it('adds a worker when the workers were busy nearly all the time while the main thread waited, two windows in a row, not counting the first', () => {
    const growth = new PoolGrowth();
    expect(feed(growth, { now: 0, mainActive: 0 }, 3, 0.96, 0.42)).toEqual([false, false, true]);
  });

  it('adds none while the main thread is busy too (small mail: both are the limit)', () => {
    expect(feed(new PoolGrowth(), { now: 0, mainActive: 0 }, 10, 0.95, 0.8)).toEqual(Array(10).fill(false));
  });

  it('adds none while the workers have time to spare (a million tiny messages)', () => {
    expect(feed(new PoolGrowth(), { now: 0, mainActive: 0 }, 10, 0.45, 0.3)).toEqual(Array(10).fill(false));
  });

  it('adds none for busy windows that do not follow one another', () => {
    const growth = new PoolGrowth();
    const clock = { now: 0, mainActive: 0 };
    const said = [...feed(growth, clock, 2, 0.97, 0.4), ...feed(growth, clock, 1, 0.5, 0.9), ...feed(growth, clock, 1, 0.97, 0.4), ...feed(growth, clock, 1, 0.5, 0.9)];
    expect(said).toEqual([false, false, false, false, false]);
  });

  it('counts afresh after adding one, and shares the busy time out over the workers', () => {
    const growth = new PoolGrowth();
    const clock = { now: 0, mainActive: 0 };
    expect(feed(growth, clock, 3, 0.96, 0.4)).toEqual([false, false, true]);
    // Two workers each busy half the time: no third.
    expect(feed(growth, clock, 4, 0.5, 0.4, 2)).toEqual([false, false, false, false]);
    // Both busy nearly all the time while the main thread waits: a third, after two windows of it.
    expect(feed(growth, clock, 2, 0.95, 0.4, 2)).toEqual([false, true]);
  });
});
