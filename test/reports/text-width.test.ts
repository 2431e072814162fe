import { describe, expect, it } from 'vitest';
import { displayWidth, padToWidth, terminalSafe, truncateToWidth } from '../../src/reports/text-width.js';

describe('displayWidth', () => {
  it('counts ASCII as one column each', () => {
    expect(displayWidth('Inbox/Sent')).toBe(10);
  });
  it('counts CJK, kana, Hangul and fullwidth forms as two columns', () => {
    expect(displayWidth('受信トレイ')).toBe(10);
    expect(displayWidth('받은편지함')).toBe(10);
    expect(displayWidth('ＡＢ')).toBe(4);
  });
  it('counts combining marks as nothing and emoji as two', () => {
    expect(displayWidth('e\u0301te\u0301')).toBe(3);
    expect(displayWidth('📁 Mail')).toBe(7);
    expect(displayWidth('a\u200bb')).toBe(2);
  });
});

describe('truncateToWidth', () => {
  it('leaves text that fits alone', () => {
    expect(truncateToWidth('Inbox', 5)).toBe('Inbox');
  });
  it('cuts at the end with an ellipsis within the width', () => {
    expect(truncateToWidth('Archive/2019', 8)).toBe('Archive…');
  });
  it('keeps both ends in the middle mode', () => {
    expect(truncateToWidth('Inbox/Projects/Leaf', 11, 'middle')).toBe('Inbox…/Leaf');
  });
  it('never splits a wide character to fit and never exceeds the width', () => {
    for (let max = 1; max <= 14; max++) {
      const out = truncateToWidth('Inbox/受信トレイ/プロジェクト', max, 'middle');
      expect(displayWidth(out)).toBeLessThanOrEqual(max);
    }
    expect(truncateToWidth('受信トレイ', 4)).toBe('受…');
  });
  it('keeps a base letter with its combining mark', () => {
    expect(truncateToWidth('ae\u0301bcdef', 3)).toBe('ae\u0301…');
  });
});

describe('padToWidth', () => {
  it('pads by display width, not by string length', () => {
    expect(padToWidth('受信', 6)).toBe('受信  ');
    expect(padToWidth('12', 4, 'right')).toBe('  12');
  });
});

describe('terminalSafe', () => {
  it('replaces escape sequences and bidi overrides from hostile names', () => {
    const out = terminalSafe('Inbox\x1b[2J\u202eevil\r');
    for (const c of ['\x1b', '\r', '\u202e']) expect(out).not.toContain(c);
    expect(out).toContain('Inbox');
  });
});
