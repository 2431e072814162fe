import { describe, expect, it } from 'vitest';
import { checkExportLog, ExportLogTally, parseExportLog } from '../../src/source/export-log.js';
import { NamedFolders } from '../../src/source/named-folders.js';
import { findHeaderEnd, headerBlockOf } from '../../src/source/header-block.js';
import { sniffContent } from '../../src/source/sniff.js';
import type { ExportLog } from '../../src/source/types.js';

const b = (text: string): Buffer => Buffer.from(text, 'utf8');

describe('sniffContent', () => {
  it.each([
    ['CRLF headers', 'From: a@b\r\nSubject: x\r\n'],
    ['LF headers', 'Received: from x\n by y\nSubject: x\n'],
    ['CR-only headers', 'Subject: x\rDate: y\r'],
    ['an mbox From line first', 'From bob@example.net Tue Mar  5 10:00:00 2024\nSubject: x\n'],
    ['a BOM first', '\uFEFFSubject: x\r\n'],
    ['an X- header first', 'X-Mailer: y\r\n'],
    ['a leading CRLF', '\r\nSubject: x\r\n'],
    ['leading blank lines with LF, CR and CRLF endings', '\n\r\r\n\nSubject: x\n'],
    ['a BOM, then a blank line', '\uFEFF\r\nSubject: x\r\n'],
    ['an mbox From line, then a blank line', 'From bob@example.net Tue Mar  5 10:00:00 2024\r\n\r\nSubject: x\r\n'],
    ['a blank line, then an mbox From line', '\nFrom bob@example.net Tue Mar  5 10:00:00 2024\nSubject: x\n'],
    ['an mbox-escaped >From line first', '>From bob@example.net Tue Mar  5 10:00:00 2024\nSubject: x\n'],
  ])('calls %s a message', (_label, text) => {
    expect(sniffContent(b(text))).toEqual({ kind: 'message' });
  });

  it('recognises calendar items bare and as text/calendar messages', () => {
    expect(sniffContent(b('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n'))).toEqual({ kind: 'calendar' });
    expect(sniffContent(b('\uFEFFbegin:vcalendar\n'))).toEqual({ kind: 'calendar' });
    expect(sniffContent(b('Subject: x\r\nContent-Type:\r\n text/calendar; method=REQUEST\r\n'))).toEqual({ kind: 'calendar' });
    // A calendar part deeper in a multipart message doesn't make the message a calendar item.
    expect(sniffContent(b('Subject: x\r\nContent-Type: multipart/mixed; boundary=a\r\n'))).toEqual({ kind: 'message' });
  });

  it('sends JSON to the export-log parser', () => {
    expect(sniffContent(b('  {"totalMessages": "1"}'))).toEqual({ kind: 'json' });
  });

  it.each([
    ['empty', ''],
    ['binary', '\x00\x01\x02PK'],
    ['an INI file', '[.ShellClassInfo]\r\nIcon=1\r\n'],
    ['prose', 'Dear Ann, here is the file\n'],
    ['prose after blank lines', '\r\n\r\nDear Ann, here is the file\r\n'],
    ['prose after a >From line', '>From bob@example.net\nDear Ann, here is the file\n'],
    ['a quoted line before a field', '> From bob\nSubject: x\n'],
    ['only blank lines', '\r\n\r\n\n'],
    ['a second BOM', '\uFEFF\uFEFFSubject: x\r\n'],
  ])('calls %s unreadable with a reason', (_label, text) => {
    const sniffed = sniffContent(b(text));
    expect(sniffed.kind).toBe('unreadable');
    expect(sniffed.kind === 'unreadable' && sniffed.reason.length).toBeGreaterThan(0);
  });
});

describe('header block', () => {
  it('finds the blank line for each line ending, the earliest one winning', () => {
    expect(findHeaderEnd(b('A: 1\r\nB: 2\r\n\r\nbody\n\n'))).toBe(10);
    expect(findHeaderEnd(b('A: 1\nB: 2\n\nbody'))).toBe(9);
    expect(findHeaderEnd(b('A: 1\rB: 2\r\rbody'))).toBe(9);
    expect(findHeaderEnd(b('A: 1\r\nB: 2\r\n'))).toBe(-1);
  });

  it('asks for more bytes when the prefix holds no blank line, and takes all of a complete entry', () => {
    expect(headerBlockOf(b('A: 1\r\nB: 2'), false)).toBeUndefined();
    expect(headerBlockOf(b('A: 1\r\nB: 2'), true)?.toString()).toBe('A: 1\r\nB: 2');
    expect(headerBlockOf(b('A: 1\r\n\r\nbody'), false)?.toString()).toBe('A: 1\r\n\r\n');
    expect(headerBlockOf(b('A: 1\n\nbody'), false)?.toString()).toBe('A: 1\n\n');
    expect(headerBlockOf(b('A: 1\r\rbody'), true)?.toString()).toBe('A: 1\r\r');
  });

  it('does not take blank lines before the first field for the end of the block, and keeps them in it', () => {
    expect(findHeaderEnd(b('\r\n\r\nA: 1\r\nB: 2\r\n\r\nbody'))).toBe(14);
    expect(findHeaderEnd(b('\n\r\nA: 1\n\nbody'))).toBe(7);
    expect(findHeaderEnd(b('From x\n\nA: 1\n\nbody'))).toBe(12);
    expect(headerBlockOf(b('\r\n\r\nA: 1\r\n\r\nbody'), false)?.toString()).toBe('\r\n\r\nA: 1\r\n\r\n');
    expect(headerBlockOf(b('\uFEFF\n\nA: 1\n\nbody'), false)?.toString()).toBe('\uFEFF\n\nA: 1\n\n');
    // a prefix of nothing but blank lines may go on with a field: read more
    expect(headerBlockOf(b('\r\n\r\n'), false)).toBeUndefined();
    expect(headerBlockOf(b('\r\n\r\n'), true)?.toString()).toBe('\r\n\r\n');
  });
});

describe('export log', () => {
  const documented = {
    totalNonExportableItems: '13',
    totalMessages: '76',
    sha384Hash: 'abc',
    totalBytes: '1234567',
    totalFolders: '15',
    startTime: '2021-01-01T00:00:00Z',
    endTime: '2021-01-01T00:01:00Z',
  };

  it('parses the documented example with counts as strings', () => {
    const log = parseExportLog(b(JSON.stringify(documented)), 'log.json');
    expect(log).toMatchObject({ entryName: 'log.json', totalMessages: 76, totalBytes: 1234567, totalFolders: 15, totalNonExportableItems: 13 });
  });

  it('accepts numbers and a BOM, and rejects what is not an export log', () => {
    expect(parseExportLog(b('\uFEFF{"totalMessages": 3}'), 'x')).toMatchObject({ totalMessages: 3 });
    expect(parseExportLog(b('{"totalMessages": "3'), 'x')).toMatch(/not valid JSON/);
    expect(parseExportLog(b('[1,2]'), 'x')).toMatch(/not an object/);
    expect(parseExportLog(b('{"name": "x"}'), 'x')).toMatch(/without export-log counts/);
    expect(parseExportLog(b('{"totalMessages": "-3"}'), 'x')).toMatch(/without export-log counts/);
  });

  it('reports each mismatching count in a sentence, and nothing when consistent', () => {
    const log = parseExportLog(b(JSON.stringify(documented)), 'log.json') as ExportLog;
    expect(checkExportLog(log, { messages: 76, bytes: 1234567, folders: 15 })).toEqual([]);
    const problems = checkExportLog(log, { messages: 75, bytes: 1234567, folders: 14 });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toBe('export log log.json says totalMessages is 76; the zip holds messages and calendar items: 75');
    expect(problems[1]).toMatch(/totalFolders is 15/);
  });

  it('counts messages and calendar items and their bytes in one place', () => {
    const tally = new ExportLogTally();
    tally.add('message', 100);
    tally.add('calendar', 50);
    tally.add('message', 10);
    tally.add('unreadable', 1000);
    tally.add('export-log', 300);
    tally.add('message', 1);
    tally.add('message', 1);
    expect(tally.observed(4)).toEqual({ messages: 5, bytes: 162, folders: 4 });
  });

  it('counts the folders a zip names with their parents, once each', () => {
    const folders = new NamedFolders();
    for (const name of ['Archive/2019/1.eml', 'Archive/2019/2.eml', 'Archive/2020/', 'Inbox/a.eml', 'top.json']) folders.add(name);
    expect(folders.count()).toBe(4);
  });
});
