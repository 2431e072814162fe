import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fingerprint, fingerprintDate, normalizeSubject, subjectsAgree } from '../../src/message/fingerprint.js';

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

describe('subjectsAgree', () => {
  it('takes an encoded word we could not decode for whatever the server made of it', () => {
    // x-unknown-charset is kept as written here; a server may decode it (RFC 2047 6.2 allows both).
    expect(subjectsAgree('Hello world and Test', '=?x-unknown-charset?Q?Hello?= world and Test')).toBe(true);
    expect(subjectsAgree('Grüße aus Köln, Teil 2', '=?x-mac-german?Q?Gr=9F=A7e?= =?x-mac-german?Q?_aus_K=9Aln?=, Teil 2')).toBe(true);
    expect(subjectsAgree('=?x-unknown-charset?Q?Hello?= world', '=?x-unknown-charset?Q?Hello?= world')).toBe(true);
  });

  it('still wants the rest of the subject to agree', () => {
    expect(subjectsAgree('Hello world and Test', '=?x-unknown-charset?Q?Hello?= world and Tests')).toBe(false);
    expect(subjectsAgree('[list] Hello world', 'Re: =?x-unknown-charset?Q?Hello?= world')).toBe(false);
    // Nothing but encoded words would agree with any subject: a list's copy is not the direct one.
    expect(subjectsAgree('[list] Hello', '=?x-unknown-charset?Q?Hello?=')).toBe(false);
    expect(subjectsAgree('Hello world', 'Hello=?x?Q? world')).toBe(false);
  });
});
