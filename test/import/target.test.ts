import { describe, expect, it } from 'vitest';
import { decodeTarget, displayTarget, encodeTarget, targetScope } from '../../src/policy/target.js';

describe('stored target folders', () => {
  it('turn back into the same segments, a "/" inside a name included', () => {
    const segments = ['Kunden / Lieferanten', 'Café "A"'];
    expect(decodeTarget(encodeTarget(segments))).toEqual(segments);
    expect(displayTarget(encodeTarget(['inbox', 'Projects']))).toBe('inbox/Projects');
  });

  it('share a duplicate scope when names differ only in case or normalisation form', () => {
    expect(targetScope(encodeTarget(['Kunden', 'Cafe\u0301']))).toBe(targetScope(encodeTarget(['kunden', 'CAFÉ'])));
  });

  it('keep a "/" inside a name apart from a level in the scope', () => {
    expect(targetScope(encodeTarget(['a/b']))).not.toBe(targetScope(encodeTarget(['a', 'b'])));
  });
});
