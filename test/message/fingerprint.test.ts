import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fingerprint, fingerprintDate, normalizeSubject } from '../../src/message/fingerprint.js';

describe('normalizeSubject', () => {
  it('composes to NFC, collapses whitespace and trims', () => {
    expect(normalizeSubject('  cafe\u0301 \t\r\n  au  lait ')).toBe('café au lait');
  });

  it('treats control characters as whitespace', () => {
    expect(normalizeSubject('a\u0000b\u0085c\u007f')).toBe('a b c');
  });
});

describe('fingerprintDate', () => {
  it('truncates to the second in UTC', () => {
    expect(fingerprintDate(new Date('2024-01-02T03:04:05.999+01:00'))).toBe('2024-01-02T02:04:05Z');
  });

  it('is empty when undated', () => {
    expect(fingerprintDate(null)).toBe('');
  });
});

describe('fingerprint', () => {
  it('is sha256 hex of the normalised subject, a newline and the date', () => {
    const expected = createHash('sha256').update('café\n2024-01-02T03:04:05Z').digest('hex');
    expect(fingerprint(' cafe\u0301 ', new Date('2024-01-02T03:04:05.500Z'))).toBe(expected);
  });

  it('ignores milliseconds and zone, not seconds', () => {
    const a = fingerprint('x', new Date('2024-01-02T03:04:05.000Z'));
    expect(fingerprint('x', new Date('2024-01-02T04:04:05.900+01:00'))).toBe(a);
    expect(fingerprint('x', new Date('2024-01-02T03:04:06.000Z'))).not.toBe(a);
  });

  it('distinguishes undated from dated and different subjects', () => {
    expect(fingerprint('x', null)).toBe(createHash('sha256').update('x\n').digest('hex'));
    expect(fingerprint('x', null)).not.toBe(fingerprint('y', null));
  });
});
