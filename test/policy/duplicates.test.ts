import { describe, expect, it } from 'vitest';
import { DuplicateTracker, senderKey } from '../../src/policy/duplicates.js';

const FP = 'f'.repeat(64);

describe('DuplicateTracker', () => {
  it('keeps the first, drops a copy with the same Message-ID', () => {
    const t = new DuplicateTracker();
    expect(t.observe('a', 'inbox', FP, '<1@x>')).toEqual({ kind: 'first' });
    expect(t.observe('b', 'inbox', FP, '<1@x>')).toEqual({ kind: 'duplicate', of: 'a' });
  });

  it('treats a missing Message-ID on either side as a duplicate', () => {
    const t = new DuplicateTracker();
    t.observe('a', 'inbox', FP, '<1@x>');
    expect(t.observe('b', 'inbox', FP, null)).toEqual({ kind: 'duplicate', of: 'a' });
    const u = new DuplicateTracker();
    u.observe('a', 'inbox', FP, null);
    expect(u.observe('b', 'inbox', FP, '<1@x>')).toEqual({ kind: 'duplicate', of: 'a' });
    expect(u.observe('c', 'inbox', FP, '')).toEqual({ kind: 'duplicate', of: 'a' });
  });

  it('keeps a different Message-ID with the same fingerprint as a collision', () => {
    const t = new DuplicateTracker();
    t.observe('a', 'inbox', FP, '<1@x>');
    expect(t.observe('b', 'inbox', FP, '<2@x>')).toEqual({ kind: 'collision', with: 'a' });
  });

  it('does not treat copies in other folders or other fingerprints as duplicates', () => {
    const t = new DuplicateTracker();
    t.observe('a', 'inbox', FP, '<1@x>');
    expect(t.observe('b', 'sentitems', FP, '<1@x>')).toEqual({ kind: 'first' });
    expect(t.observe('c', 'inbox', 'e'.repeat(64), '<1@x>')).toEqual({ kind: 'first' });
  });

  it('chain A(id1) B(id2) C(id1) D(none): B collides, C and D are duplicates of A', () => {
    const t = new DuplicateTracker();
    expect(t.observe('A', 'inbox', FP, '<1@x>')).toEqual({ kind: 'first' });
    expect(t.observe('B', 'inbox', FP, '<2@x>')).toEqual({ kind: 'collision', with: 'A' });
    expect(t.observe('C', 'inbox', FP, '<1@x>')).toEqual({ kind: 'duplicate', of: 'A' });
    expect(t.observe('D', 'inbox', FP, null)).toEqual({ kind: 'duplicate', of: 'A' });
    expect(t.observe('E', 'inbox', FP, '<2@x>')).toEqual({ kind: 'duplicate', of: 'B' });
  });

  it('chain E(none) F(id1) G(id2): E adopts id1 through F, so G is kept as a collision', () => {
    const t = new DuplicateTracker();
    expect(t.observe('E', 'inbox', FP, null)).toEqual({ kind: 'first' });
    expect(t.observe('F', 'inbox', FP, '<1@x>')).toEqual({ kind: 'duplicate', of: 'E' });
    expect(t.observe('G', 'inbox', FP, '<2@x>')).toEqual({ kind: 'collision', with: 'E' });
    expect(t.observe('H', 'inbox', FP, '<2@x>')).toEqual({ kind: 'duplicate', of: 'G' });
    expect(t.observe('I', 'inbox', FP, '<1@x>')).toEqual({ kind: 'duplicate', of: 'E' });
  });

  it('never drops a distinct Message-ID, whatever the order (invariant over all orders of a small set)', () => {
    const messages: [string, string | null][] = [
      ['n1', null],
      ['a1', '<a>'],
      ['b1', '<b>'],
      ['n2', null],
      ['a2', '<a>'],
      ['c1', '<c>'],
    ];
    const permutations = (xs: typeof messages): (typeof messages)[] =>
      xs.length <= 1 ? [xs] : xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
    for (const order of permutations(messages)) {
      const t = new DuplicateTracker();
      const kept = new Map<string, string | null>();
      for (const [key, id] of order) {
        const d = t.observe(key, 'inbox', FP, id);
        if (d.kind !== 'duplicate') kept.set(key, id);
      }
      // every distinct Message-ID is kept exactly once, or stood for by an ID-less message kept first
      const keptIds = [...kept.values()].filter((id) => id !== null);
      expect(new Set(keptIds).size).toBe(keptIds.length);
      expect(kept.size).toBe(3);
    }
  });

  it('handles 200,000 messages', () => {
    const t = new DuplicateTracker();
    let duplicates = 0;
    for (let i = 0; i < 200_000; i++) {
      const fp = (i % 100_000).toString(16).padStart(64, '0');
      if (t.observe(`zip#${i}`, `folder${(i % 100_000) % 7}`, fp, `<${i % 100_000}@x>`).kind === 'duplicate') duplicates++;
    }
    // the second 100,000 repeat the first in the same folders
    expect(duplicates).toBe(100_000);
  });

  describe('a weak fingerprint (no subject, only the date)', () => {
    const weak = (content: string | null) => ({ content, weak: true });

    it('keeps two different messages without Subject or Message-ID that share a second', () => {
      const t = new DuplicateTracker();
      expect(t.observe('a', 'inbox', 'fp', null, weak('aaaa:10')).kind).toBe('first');
      expect(t.observe('b', 'inbox', 'fp', null, weak('bbbb:10')).kind).toBe('first');
    });

    it('drops an identical copy (same CRC-32 and size)', () => {
      const t = new DuplicateTracker();
      t.observe('a', 'inbox', 'fp', null, weak('aaaa:10'));
      t.observe('b', 'inbox', 'fp', null, weak('bbbb:10'));
      expect(t.observe('c', 'inbox', 'fp', null, weak('bbbb:10'))).toEqual({ kind: 'duplicate', of: 'b' });
    });

    it('keeps a message whose content is unknown', () => {
      const t = new DuplicateTracker();
      t.observe('a', 'inbox', 'fp', null, weak(null));
      expect(t.observe('b', 'inbox', 'fp', null, weak(null)).kind).toBe('first');
    });

    it('lets a Message-ID adopt an ID-less kept message only when the content is the same', () => {
      const t = new DuplicateTracker();
      t.observe('a', 'inbox', 'fp', null, weak('aaaa:10'));
      expect(t.observe('b', 'inbox', 'fp', '<b@x>', weak('bbbb:10')).kind).toBe('collision');
      expect(t.observe('c', 'inbox', 'fp', '<c@x>', weak('aaaa:10'))).toEqual({ kind: 'duplicate', of: 'a' });
    });
  });
});

describe('DuplicateTracker: messages without a Message-ID, by sender', () => {
  const from = (sender: string | null) => ({ content: null, weak: false, sender });

  it('keeps two senders apart that share subject and second (two hosts alerts, a monitor and a colleague)', () => {
    const t = new DuplicateTracker();
    expect(t.observe('db1', 'inbox', FP, null, from('root@db1.example')).kind).toBe('first');
    expect(t.observe('web1', 'inbox', FP, null, from('root@web1.example')).kind).toBe('first');
    expect(t.observe('db1-again', 'inbox', FP, null, from('root@db1.example'))).toEqual({ kind: 'duplicate', of: 'db1' });
    const u = new DuplicateTracker();
    u.observe('monitor', 'inbox', FP, null, from('monitor@example.com'));
    expect(u.observe('carol', 'inbox', FP, '<d4@x>', from('carol@example.com'))).toEqual({ kind: 'collision', with: 'monitor' });
    const v = new DuplicateTracker();
    v.observe('ann', 'inbox', FP, '<d3@x>', from('ann@example.com'));
    expect(v.observe('eve', 'inbox', FP, null, from('eve@example.com')).kind).toBe('first');
  });

  it('still drops the same message without its Message-ID, and when a sender is unknown', () => {
    const t = new DuplicateTracker();
    t.observe('a', 'inbox', FP, '<1@x>', from('ann@example.com'));
    expect(t.observe('b', 'inbox', FP, null, from('ann@example.com'))).toEqual({ kind: 'duplicate', of: 'a' });
    expect(t.observe('c', 'inbox', FP, null, from(null))).toEqual({ kind: 'duplicate', of: 'a' });
  });

  it('knows a sender by the address of its From field', () => {
    expect(senderKey('Ann Smith <Ann.Smith@Contoso.com>')).toBe('ann.smith@contoso.com');
    expect(senderKey(' ann.smith@contoso.com ')).toBe('ann.smith@contoso.com');
    expect(senderKey('')).toBeNull();
    expect(senderKey(null)).toBeNull();
  });
});
