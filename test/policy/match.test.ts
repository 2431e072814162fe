import { describe, expect, it } from 'vitest';
import { matchMultiset } from '../../src/policy/match.js';

const src = (key: string, fingerprint: string, messageId: string | null = null) => ({ key, fingerprint, messageId });
const dst = (id: string, fingerprint: string, messageId: string | null = null) => ({ id, fingerprint, messageId });

describe('matchMultiset', () => {
  it('matches by fingerprint and reports each side left over', () => {
    expect(matchMultiset([src('s1', 'A'), src('s2', 'B')], [dst('d1', 'A'), dst('d2', 'C')])).toEqual({
      matched: [['s1', 'd1']],
      sourceOnly: ['s2'],
      destinationOnly: ['d2'],
    });
  });

  it('counts by multiset: two source copies against one destination copy leave one source-only', () => {
    const r = matchMultiset([src('s1', 'A'), src('s2', 'A')], [dst('d1', 'A')]);
    expect(r.matched).toHaveLength(1);
    expect(r.sourceOnly).toHaveLength(1);
    expect(r.destinationOnly).toEqual([]);
  });

  it('counts by multiset the other way round too', () => {
    const r = matchMultiset([src('s1', 'A')], [dst('d1', 'A'), dst('d2', 'A'), dst('d3', 'A')]);
    expect(r.matched).toEqual([['s1', 'd1']]);
    expect(r.destinationOnly).toEqual(['d2', 'd3']);
  });

  it('uses the Message-ID to choose the pairs within a fingerprint', () => {
    const r = matchMultiset(
      [src('s1', 'A', '<1@x>'), src('s2', 'A', '<2@x>')],
      [dst('d2', 'A', '<2@x>'), dst('d1', 'A', '<1@x>')],
    );
    expect(r.matched).toEqual([
      ['s1', 'd1'],
      ['s2', 'd2'],
    ]);
  });

  it('leaves the right one over in a collision: the Message-ID the destination lacks', () => {
    const r = matchMultiset([src('s1', 'A', '<1@x>'), src('s2', 'A', '<2@x>')], [dst('d2', 'A', '<2@x>')]);
    expect(r.matched).toEqual([['s2', 'd2']]);
    expect(r.sourceOnly).toEqual(['s1']);
  });

  it('compares Message-IDs without angle brackets or whitespace', () => {
    const r = matchMultiset([src('s1', 'A', '<1@x>'), src('s2', 'A', '<2@x>')], [dst('d1', 'A', ' 2@x ')]);
    expect(r.matched).toEqual([['s2', 'd1']]);
  });

  it('prefers an ID-less counterpart to one with a different ID', () => {
    const r = matchMultiset([src('s1', 'A', '<1@x>')], [dst('d9', 'A', '<9@x>'), dst('d0', 'A', null)]);
    expect(r.matched).toEqual([['s1', 'd0']]);
    expect(r.destinationOnly).toEqual(['d9']);
  });

  it('still matches by fingerprint when the IDs differ', () => {
    expect(matchMultiset([src('s1', 'A', '<1@x>')], [dst('d9', 'A', '<9@x>')]).matched).toEqual([['s1', 'd9']]);
  });

  it('is empty on empty input', () => {
    expect(matchMultiset([], [])).toEqual({ matched: [], sourceOnly: [], destinationOnly: [] });
  });

  it('handles a large group of one fingerprint', () => {
    const n = 20_000;
    const source = Array.from({ length: n }, (_, i) => src(`s${i}`, 'A', i % 2 ? `<${i}@x>` : null));
    const destination = Array.from({ length: n - 1 }, (_, i) => dst(`d${i}`, 'A', i % 3 ? `<${i}@x>` : null));
    const r = matchMultiset(source, destination);
    expect(r.matched).toHaveLength(n - 1);
    expect(r.sourceOnly).toHaveLength(1);
  });
});
