/** When a run keeps read workers for all its zips (run/scan/scan.ts sharesReadWorkers). */
import { describe, expect, it } from 'vitest';
import { sharesReadWorkers } from '../../src/run/scan/scan.js';

const MB = 1024 * 1024;

describe('sharesReadWorkers', () => {
  it('keeps them for many zips that together are worth a worker, however small each one is', () => {
    expect(sharesReadWorkers(Array.from({ length: 1000 }, () => 0.1 * MB))).toBe(true);
    expect(sharesReadWorkers([10 * MB, 10 * MB])).toBe(true);
  });

  it('not for one zip (it starts workers of its own when it is large) nor for a few small ones', () => {
    expect(sharesReadWorkers([])).toBe(false);
    expect(sharesReadWorkers([800 * MB])).toBe(false);
    expect(sharesReadWorkers([1 * MB, 2 * MB, 3 * MB])).toBe(false);
  });
});
