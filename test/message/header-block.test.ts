import { describe, expect, it } from 'vitest';
import { MAX_HEADER_BLOCK_BYTES, findHeaderEnd, splitHeaderBlock } from '../../src/message/header-block.js';

const buf = (s: string): Buffer => Buffer.from(s, 'latin1');
const fields = (s: string): [string, string][] =>
  splitHeaderBlock(buf(s)).fields.map((f) => [f.name, f.value.toString('latin1')]);

describe('findHeaderEnd', () => {
  it.each([
    ['CRLF', 'A: 1\r\nB: 2\r\n\r\nbody', 12, 14],
    ['LF', 'A: 1\nB: 2\n\nbody', 10, 11],
    ['CR only', 'A: 1\rB: 2\r\rbody', 10, 11],
  ])('finds the blank line with %s endings', (_name, text, end, bodyStart) => {
    expect(findHeaderEnd(buf(text))).toEqual({ start: 0, end, bodyStart, terminator: 'blank-line' });
  });

  it('stops at the first line that is neither a field nor a continuation when the blank line is missing', () => {
    const text = 'Subject: hi\r\nFrom: a@b\r\nHello there, this is the body\r\nSecond: line\r\n';
    expect(findHeaderEnd(buf(text))).toEqual({ start: 0, end: 24, bodyStart: 24, terminator: 'non-header-line' });
  });

  it('says end-of-input when the buffer ends inside the headers', () => {
    expect(findHeaderEnd(buf('A: 1\r\nB: 2\r\n'))).toMatchObject({ end: 12, terminator: 'end-of-input' });
    expect(findHeaderEnd(buf('A: 1\r\nB: 2'))).toMatchObject({ end: 10, terminator: 'end-of-input' });
  });

  it('skips a UTF-8 BOM and a leading mbox From line', () => {
    const text = '\xef\xbb\xbfFrom someone@example.com Mon Jan  1 00:00:00 2024\nSubject: x\n\nbody';
    const bounds = findHeaderEnd(buf(text));
    expect(bounds.terminator).toBe('blank-line');
    expect(buf(text).toString('latin1', bounds.start, bounds.end)).toBe('Subject: x\n');
  });

  it('stops at the size limit on a header that never ends', () => {
    const line = 'X-Filler: ' + 'y'.repeat(1000) + '\r\n';
    const text = line.repeat(Math.ceil((MAX_HEADER_BLOCK_BYTES * 1.5) / line.length));
    const bounds = findHeaderEnd(buf(text));
    expect(bounds.terminator).toBe('size-limit');
    expect(bounds.end).toBeLessThanOrEqual(MAX_HEADER_BLOCK_BYTES);
    expect(bounds.end % line.length).toBe(0);
  });

  it('stops at the size limit inside one endless line', () => {
    const text = 'X-Filler: ' + 'y'.repeat(MAX_HEADER_BLOCK_BYTES * 2);
    expect(findHeaderEnd(buf(text))).toMatchObject({ end: 0, terminator: 'size-limit' });
  });

  it('reads a header that ends exactly at the limit', () => {
    const field = 'X: ' + 'y'.repeat(MAX_HEADER_BLOCK_BYTES - 5) + '\r\n';
    expect(field.length).toBe(MAX_HEADER_BLOCK_BYTES);
    expect(findHeaderEnd(buf(field + '\r\nbody'))).toMatchObject({ end: MAX_HEADER_BLOCK_BYTES, terminator: 'blank-line' });
    expect(findHeaderEnd(buf(field + 'Y: z\r\n'))).toMatchObject({ end: MAX_HEADER_BLOCK_BYTES, terminator: 'size-limit' });
    expect(findHeaderEnd(buf(field))).toMatchObject({ end: MAX_HEADER_BLOCK_BYTES, terminator: 'end-of-input' });
  });
});

describe('splitHeaderBlock', () => {
  it('keeps folded continuation lines with their field', () => {
    expect(fields('Subject: a\r\n b\r\n\tc\r\nTo: x\r\n\r\nbody')).toEqual([
      ['Subject', ' a\r\n b\r\n\tc'],
      ['To', ' x'],
    ]);
  });

  it('folds with LF and CR-only endings too', () => {
    expect(fields('Subject: a\n b\nTo: x\n\n')).toEqual([['Subject', ' a\n b'], ['To', ' x']]);
    expect(fields('Subject: a\r b\rTo: x\r\r')).toEqual([['Subject', ' a\r b'], ['To', ' x']]);
  });

  it('tolerates NUL bytes inside values', () => {
    expect(fields('Subject: a\x00b\r\n\r\n')).toEqual([['Subject', ' a\x00b']]);
  });

  it('accepts obsolete whitespace before the colon', () => {
    expect(fields('Subject  : x\r\n\r\n')).toEqual([['Subject', ' x']]);
  });

  it('does not read the body as headers', () => {
    expect(fields('Subject: x\r\n\r\nNot: a header\r\n')).toEqual([['Subject', ' x']]);
  });

  it('returns nothing for a buffer that is not a message', () => {
    expect(splitHeaderBlock(buf('\x89PNG\r\n\x1a\n')).fields).toEqual([]);
    expect(splitHeaderBlock(Buffer.alloc(0)).fields).toEqual([]);
  });
});
