import { describe, expect, it } from 'vitest';
import { summarizeMessage } from '../../src/message/summarize.js';
import { fingerprint } from '../../src/message/fingerprint.js';

const buf = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('summarizeMessage', () => {
  it('summarises a typical header block', () => {
    const s = summarizeMessage(
      buf(
        'Received: from x by y; Tue, 2 Jul 2019 09:16:00 +0000\r\n' +
          'From: =?utf-8?Q?Ren=C3=A9?= <rene@example.com>\r\n' +
          'Subject: =?utf-8?Q?caf=C3=A9?=\r\n =?utf-8?Q?_au_lait?=\r\n' +
          'Date: Tue, 2 Jul 2019 11:15:00 +0200\r\n' +
          'Message-ID:  <abc@example.com> \r\n' +
          'X-Spam-Flag: NO\r\n\r\nbody',
      ),
    );
    expect(s).toMatchObject({
      subject: 'café au lait',
      from: 'René <rene@example.com>',
      dateSource: 'date',
      messageId: '<abc@example.com>',
    });
    expect(s.date?.toISOString()).toBe('2019-07-02T09:15:00.000Z');
    expect(s.headers.get('x-spam-flag')).toEqual(['NO']);
    expect(s.fingerprint).toBe(fingerprint('café au lait', new Date('2019-07-02T09:15:00Z')));
  });

  it('reads the header fields after a preamble of blank lines or a >From line as if it were absent', () => {
    const head = 'Subject: Quarterly figures\r\nFrom: Ann <ann@example.com>\r\nDate: Tue, 2 Jul 2019 11:15:00 +0200\r\nMessage-ID: <q@example.com>\r\n\r\nbody';
    const plain = summarizeMessage(buf(head));
    for (const preamble of ['\r\n', '\n\n', '\r', '\xef\xbb\xbf\r\n', '>From ann@example.com Tue Jul  2 09:15:00 2019\r\n', 'From ann@example.com\r\n\r\n']) {
      const s = summarizeMessage(buf(preamble + head));
      expect(s, JSON.stringify(preamble)).toMatchObject({ subject: 'Quarterly figures', from: 'Ann <ann@example.com>', messageId: '<q@example.com>', dateSource: 'date' });
      expect(s.fingerprint).toBe(plain.fingerprint);
    }
  });

  it('falls back to the top-most Received header when the Date is unparsable', () => {
    const s = summarizeMessage(
      buf(
        'Received: from b by c; Wed, 3 Jul 2019 10:00:00 +0000\n' +
          'Received: from a by b; Wed, 3 Jul 2019 09:00:00 +0000\n' +
          'Date: someday\nSubject: x\n\n',
      ),
    );
    expect(s.dateSource).toBe('received');
    expect(s.date?.toISOString()).toBe('2019-07-03T10:00:00.000Z');
  });

  // issue 11: a one-digit second made the Date unreadable, the Received time (09:46:16Z) was taken, and the
  // destination, reading 08:28:03Z, no longer matched the message's fingerprint after a crash
  it('dates by the Date header even with one-digit time fields, not by Received', () => {
    const s = summarizeMessage(buf('Received: from a by b; Mon, 27 May 2002 09:46:16 +0000\nDate: Mon, 27 May 2002 10:28:3 +0200\nSubject: x\n\n'));
    expect(s.dateSource).toBe('date');
    expect(s.date?.toISOString()).toBe('2002-05-27T08:28:03.000Z');
  });

  it('says when the Date header named no zone it knows and the time was read as UTC', () => {
    const s = summarizeMessage(buf('Received: from a by b; Mon, 27 May 2002 09:46:16 +0000\nDate: Mon, 27 May 2002 10:28:03 IST\nSubject: x\n\n'));
    expect(s.dateSource).toBe('date-assumed-zone');
    expect(s.date?.toISOString()).toBe('2002-05-27T10:28:03.000Z');
    expect(summarizeMessage(buf('Date: Mon, 27 May 2002 10:28:03\n\n')).dateSource).toBe('date-assumed-zone');
    expect(summarizeMessage(buf('Date: Mon, 27 May 2002 10:28:03 Eastern Daylight Time\n\n')).dateSource).toBe('date');
  });

  it('counts the lines of the header block that are not fields, and keeps the fields after them', () => {
    const s = summarizeMessage(buf('Received: x\nFrom someone@example.com Mon May 27 10:28:03 2002\nSubject: kept\nDate: Mon, 27 May 2002 10:28:03 +0000\n\nbody'));
    expect(s).toMatchObject({ subject: 'kept', headerDefects: 1, dateSource: 'date' });
    expect(summarizeMessage(buf('Subject: x\n\n')).headerDefects).toBe(0);
  });

  // fixtures-stalwart-mail-parser/resources/eml/malformed/019.eml: a broken Date header, then a good one
  it('reads only the first Date header, as the destination does, and falls back to Received when it holds no date', () => {
    const s = summarizeMessage(buf('Received: from a by b; Tue, 7 Apr 2026 10:00:05 +0000\nDate: Tue, 7 Apr 2026 10:00:t <x@y>\nDate: Tue, 7 Apr 2026 10:00:01 +0000\n\n'));
    expect(s.dateSource).toBe('received');
    expect(s.date?.toISOString()).toBe('2026-04-07T10:00:05.000Z');
  });

  it('is undated with neither a usable Date nor Received', () => {
    const s = summarizeMessage(buf('Subject: x\n\n'));
    expect(s).toMatchObject({ date: null, dateSource: 'none', messageId: null, from: '' });
    expect(s.fingerprint).toBe(fingerprint('x', null));
  });

  it('gives the same fingerprint to the same message exported with different encodings', () => {
    const date = 'Date: Tue, 2 Jul 2019 11:15:00 +0200\r\n';
    const a = summarizeMessage(buf(`Subject: =?ISO-8859-1?Q?Gr=FC=DFe?=\r\n${date}\r\n`));
    const b = summarizeMessage(buf(`Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n${date}\r\n`));
    const c = summarizeMessage(Buffer.concat([Buffer.from('Subject: Grüße\n', 'utf8'), buf(date + '\n')]));
    expect(new Set([a.fingerprint, b.fingerprint, c.fingerprint]).size).toBe(1);
    expect(a.subject).toBe('Grüße');
  });

  it('takes the header block only, even when given the whole message', () => {
    const s = summarizeMessage(buf('Subject: x\n\nSubject: y\nDate: Tue, 2 Jul 2019 11:15:00 +0200\n'));
    expect(s.subject).toBe('x');
    expect(s.headers.has('date')).toBe(false);
  });

  it('reads a raw 8-bit subject in the charset the message declares, windows-1252 without one', () => {
    const gb = summarizeMessage(buf('Subject: \xc4\xe3\xba\xc3\r\nContent-Type: text/plain; charset=gb2312\r\n\r\n'));
    expect(gb.subject).toBe('你好');
    expect(summarizeMessage(buf('Subject: caf\xe9\r\n\r\n')).subject).toBe('café');
  });

  it('strips NUL bytes from values and keeps an empty subject as empty', () => {
    const s = summarizeMessage(buf('Subject:\r\nMessage-ID: <a\x00b@c>\r\n\r\n'));
    expect(s.subject).toBe('');
    expect(s.messageId).toBe('<ab@c>');
  });
});
