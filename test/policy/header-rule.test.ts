import { describe, expect, it } from 'vitest';
import { parseHeaderRule } from '../../src/policy/header-rule.js';

describe('parseHeaderRule', () => {
  it('parses name, colon and a case-insensitive pattern', () => {
    const rule = parseHeaderRule('X-Foo: ^yes');
    expect(rule.header).toBe('x-foo');
    expect(rule.label).toBe('X-Foo: ^yes');
    expect(rule.pattern.test('YES')).toBe(true);
    expect(rule.pattern.test('no')).toBe(false);
  });

  it('splits at the first colon, so the pattern may hold colons', () => {
    const rule = parseHeaderRule('X-Score:score: [5-9]');
    expect(rule.header).toBe('x-score');
    expect(rule.pattern.test('score: 7')).toBe(true);
  });

  it.each([
    ['X-Foo ^yes', /expected "Header-Name: pattern"/],
    [': ^yes', /is not a header name/],
    ['X Foo: ^yes', /is not a header name/],
    ['X-Foo:   ', /pattern is empty/],
    ['X-Foo: (unclosed', /not a valid regular expression/],
  ])('rejects %j with a clear message', (text, message) => {
    expect(() => parseHeaderRule(text)).toThrow(message);
  });
});
