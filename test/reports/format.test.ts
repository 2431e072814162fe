import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, percentShares, plural } from '../../src/reports/format.js';

describe('format', () => {
  it('groups thousands', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
  });
  it.each([
    [0, '0 bytes'],
    [1, '1 byte'],
    [999, '999 bytes'],
    [1_500, '1.5 kB'],
    [312_000_000, '312 MB'],
    [1_404_000_000, '1.4 GB'],
    [999_960, '1.0 MB'],
  ])('shows %d bytes as %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
  it('picks singular or plural', () => {
    expect(plural(1, 'entry', 'entries')).toBe('1 entry');
    expect(plural(2000, 'entry', 'entries')).toBe('2,000 entries');
  });
});

describe('percentShares', () => {
  it('adds up to 100 where rounding each share would not', () => {
    // Rounded one by one: 17 + 17 + 17 + 17 + 17 + 17 = 102.
    expect(percentShares([1, 1, 1, 1, 1, 1])).toEqual([17, 17, 17, 17, 16, 16]);
    expect(percentShares([4, 1, 1, 1, 1])).toEqual([50, 13, 13, 12, 12]);
    expect(percentShares([2, 1]).reduce((a, b) => a + b, 0)).toBe(100);
  });

  it('keeps exact shares and zeros as they are', () => {
    expect(percentShares([1, 1, 2])).toEqual([25, 25, 50]);
    expect(percentShares([0, 0])).toEqual([0, 0]);
    expect(percentShares([])).toEqual([]);
  });
});
