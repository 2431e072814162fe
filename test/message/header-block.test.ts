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
    expect(findHeaderEnd(buf(text))).toEqual({ start: 0, end, bodyStart, terminator: 'blank-line', defects: 0 });
  });

  it('stops at the first line that is neither a field nor a continuation when the blank line is missing', () => {
    const text = 'Subject: hi\r\nFrom: a@b\r\nHello there, this is the body\r\nSecond: line\r\n';
    expect(findHeaderEnd(buf(text))).toEqual({ start: 0, end: 24, bodyStart: 24, terminator: 'non-header-line', defects: 1 });
  });

  it('reads on past a line that is not a field when a blank line follows, counting it as a defect', () => {
    const text = 'Subject: hi\r\nThis line is not a field\r\nDate: x\r\n\r\nbody';
    expect(findHeaderEnd(buf(text))).toEqual({ start: 0, end: 48, bodyStart: 50, terminator: 'blank-line', defects: 1 });
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

  it.each([
    ['a leading CRLF', '\r\nSubject: x\r\n\r\nbody', 'Subject: x\r\n'],
    ['blank lines with LF, CR and CRLF endings', '\n\r\r\n\nSubject: x\n\nbody', 'Subject: x\n'],
    ['a BOM, then blank lines', '\xef\xbb\xbf\r\n\r\nSubject: x\r\n\r\nbody', 'Subject: x\r\n'],
    ['an mbox From line, then a blank line', 'From someone@example.com Mon Jan  1 00:00:00 2024\r\n\r\nSubject: x\r\n\r\nbody', 'Subject: x\r\n'],
    ['an mbox-escaped >From line', '>From someone@example.com Mon Jan  1 00:00:00 2024\nSubject: x\n\nbody', 'Subject: x\n'],
    ['a >From line ending in CR alone, then a blank line', '>From someone@example.com\r\rSubject: x\r\rbody', 'Subject: x\r'],
  ])('skips %s before the first field', (_name, text, block) => {
    const bounds = findHeaderEnd(buf(text));
    expect(bounds.terminator).toBe('blank-line');
    expect(bounds.defects).toBe(0);
    expect(buf(text).toString('latin1', bounds.start, bounds.end)).toBe(block);
    expect(buf(text).toString('latin1', bounds.bodyStart)).toBe('body');
  });

  it('still ends the block at a blank line after a field', () => {
    expect(fields('\r\nSubject: x\r\n\r\nDate: not a header\r\n')).toEqual([['Subject', ' x']]);
    // a line that is neither a field nor a From or >From line is no preamble: the blank line after it ends the block
    expect(findHeaderEnd(buf('> From x\n\nSubject: y\n'))).toMatchObject({ start: 0, end: 9, terminator: 'blank-line', defects: 1 });
    expect(fields('> From x\n\nSubject: y\n')).toEqual([]);
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
  // fixtures-horde-mime/test/Unnamespaced/fixtures/invalid_hdr.txt (the shared corpus): an mbox From line
  // after two fields. Python's parser reads on (MisplacedEnvelopeHeaderDefect); stopping there lost the
  // message's Message-ID, From and Subject.
  it('reads on past an mbox From line inside the header block', () => {
    const text =
      'Return-Path: <test@example.com>\nDelivered-To: foo@example.com\nFrom test2@example.com  Sun Apr  5 09:24:45 2015\n' +
      'Message-ID: <20090707115118.ooc4wo40oc88@example.com>\nFrom: "Test Q. User" <test@example.com>\nTo: foo@example.com\n' +
      'Subject: Fwd: Test\n\nTest.\n';
    const block = splitHeaderBlock(buf(text));
    expect(block.fields.map((f) => f.name)).toEqual(['Return-Path', 'Delivered-To', 'Message-ID', 'From', 'To', 'Subject']);
    expect(block.bounds).toMatchObject({ terminator: 'blank-line', defects: 1 });
  });

  // fixtures-ruby-mail/spec/fixtures/emails/plain_emails/raw_email_incorrect_header.eml: a line with a space
  // in the field name, then the Date, From, Message-ID and Subject of the message.
  it('reads on past a line whose name is not a field name', () => {
    const text =
      'Received-SPF: softfail\n receiver=xxx.com; client-ip=xxx.xxx.xxx.xxx\nquite Delivered-To: xxx@xxx.xxx\n' +
      'Received: by xxx.xxx.xxx (Wostfix, from userid xxx)\n\t  id 0F87F333; Wed, 23 Feb 2005 16:16:17 -0600\n' +
      'Date: Wed, 23 Feb 2005 18:20:17 -0400\nSubject: Stop adware/spyware once and for all. \n\nbody\n';
    const block = splitHeaderBlock(buf(text));
    expect(block.fields.map((f) => f.name)).toEqual(['Received-SPF', 'Received', 'Date', 'Subject']);
    expect(block.fields[1]!.value.toString('latin1')).toContain('id 0F87F333');
    expect(block.bounds.defects).toBe(1);
  });

  it('ends the field before a defect line: a continuation after it belongs to no field', () => {
    expect(fields('Subject: a\r\nReplied Mon, 3 Jun 2002\r\n b\r\nTo: x\r\n\r\n')).toEqual([['Subject', ' a'], ['To', ' x']]);
    expect(fields(': no name\r\nSubject: a\r\n\r\n')).toEqual([['Subject', ' a']]);
  });

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
