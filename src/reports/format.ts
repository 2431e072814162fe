/** Number formatting shared by the terminal and HTML renderers, so both show the same figures. */

const counts = new Intl.NumberFormat('en-US');

/** 1234 -> "1,234". */
export function formatCount(n: number): string {
  return counts.format(n);
}

const UNITS = ['bytes', 'kB', 'MB', 'GB', 'TB'] as const;

/**
 * Decimal units (1 GB = 10^9 bytes), as Microsoft 365 states mailbox quotas and Graph its upload limits,
 * so the figures compare directly. One decimal under 10 of a unit, none above: "1.4 GB", "312 MB".
 */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  // Compare the rounded figure, so 999,960 bytes reads "1.0 MB" and never "1000 kB".
  while (Number(value.toFixed(value < 10 ? 1 : 0)) >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  if (unit === 0) return `${formatCount(value)} ${value === 1 ? 'byte' : 'bytes'}`;
  const digits = value < 10 ? 1 : 0;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

/** "1 message" / "2 messages". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/**
 * Whole-number percentages of `values` that add up to exactly 100 (largest-remainder rounding): rounding
 * each share on its own gave 101% or 102% in total. All zeros stay zeros.
 */
export function percentShares(values: readonly number[]): number[] {
  const total = values.reduce((sum, v) => sum + v, 0);
  if (total <= 0) return values.map(() => 0);
  const exact = values.map((v) => (v * 100) / total);
  const shares = exact.map(Math.floor);
  let left = 100 - shares.reduce((sum, v) => sum + v, 0);
  // The biggest remainders get the points left over; ties go to the earlier (larger, as listed) value.
  const order = exact.map((e, i) => ({ i, rest: e - Math.floor(e) })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    shares[i] = (shares[i] ?? 0) + 1;
    left -= 1;
  }
  return shares;
}
