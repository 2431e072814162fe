import { describe, expect, it } from 'vitest';
import { parseMailDate, receivedDate } from '../../src/message/date.js';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

describe('parseMailDate', () => {
  it.each([
    ['Mon, 1 Jan 2024 12:34:56 +0000', '2024-01-01T12:34:56.000Z'],
    ['1 Jan 2024 12:34:56 +0100', '2024-01-01T11:34:56.000Z'],
    ['Mon, 01 Jan 24 12:34:56 -0500', '2024-01-01T17:34:56.000Z'],
    ['Fri, 31 Dec 99 23:59:59 GMT', '1999-12-31T23:59:59.000Z'],
    ['Sat, 1 Jan 100 00:00:00 UT', '2000-01-01T00:00:00.000Z'],
    ['Tue, 2 Jul 2019 09:15:00 -0700 (PDT)', '2019-07-02T16:15:00.000Z'],
    ['Tue, 2 Jul 2019 09:15:00 PDT', '2019-07-02T16:15:00.000Z'],
    ['Tue, 2 Jul 2019 09:15:00 EST', '2019-07-02T14:15:00.000Z'],
    ['Tue, 2 Jul 2019 09:15:00 CDT', '2019-07-02T14:15:00.000Z'],
    ['Tue, 2 Jul 2019 09:15 +0000', '2019-07-02T09:15:00.000Z'],
    ['Tue, 2 Jul 2019 09:15:00 -0000', '2019-07-02T09:15:00.000Z'],
    ['Tue, 2 Jul 2019 09:15:00 Z', '2019-07-02T09:15:00.000Z'],
    ['Tue, 2 Jul 2019 09:15:00 A', '2019-07-02T09:15:00.000Z'],
    ['Tue, 2 Jul 2019 09:15:00', '2019-07-02T09:15:00.000Z'],
    ['  Tue,   2   Jul\t2019   09:15:00   +0200  ', '2019-07-02T07:15:00.000Z'],
    ['Tue,2 Jul 2019 09:15:00 +0200', '2019-07-02T07:15:00.000Z'],
    ['Tuesday, 2 July 2019 09:15:00 +0200', '2019-07-02T07:15:00.000Z'],
    ['2-Jul-2019 09:15:00 +0200', '2019-07-02T07:15:00.000Z'],
    ['(comment) Tue, 2 Jul 2019 (nested (x)) 09:15:00 +0200 (CEST)', '2019-07-02T07:15:00.000Z'],
    ['Tue Jul  2 09:15:00 2019', '2019-07-02T09:15:00.000Z'],
    ['2019-07-02T09:15:00+02:00', '2019-07-02T07:15:00.000Z'],
    ['2019-07-02 09:15:00Z', '2019-07-02T09:15:00.000Z'],
    ['Tue, 2 Jul 2019 09:15:00 JST', '2019-07-02T00:15:00.000Z'], // a known name (zone-names.ts)
    // A leap second: every real one falls at 23:59:60 and rolls into the next day (it read as undated).
    ['Sat, 31 Dec 2016 23:59:60 +0000', '2017-01-01T00:00:00.000Z'],
    // An offset of a day or more is no zone: read as an unknown one (UTC), not as 99 hours away.
    ['Tue, 5 Mar 2024 10:00:00 +9900', '2024-03-05T10:00:00.000Z'],
    ['Tue, 5 Mar 2024 10:00:00 -2400', '2024-03-05T10:00:00.000Z'],
    ['Tue, 2 Jul 2019 09:15:00 IST', '2019-07-02T09:15:00.000Z'], // an ambiguous name: unknown, -0000 (RFC 5322 §4.3)
    // text where the zone should be: Python reads these too, taking the time as UTC
    ['Tue, 12 Oct 2010 16:21:05 H0500', '2010-10-12T16:21:05.000Z'],
    ['Tue, 2 Jul 2019 09:15:00 J', '2019-07-02T09:15:00.000Z'],
    ['1 Jan 2024 13:00 PM', '2024-01-01T13:00:00.000Z'], // the hour says more than the suffix
    ['Mon, 21 Aug 95 13:30:57 -600', '1995-08-21T19:30:57.000Z'],
    ['Tue, 029 Apr 2019 23:34:45 -0800 (PST)', '2019-04-30T07:34:45.000Z'],
    ['18 Feb 01 12:29:13 AM', '2001-02-18T00:29:13.000Z'],
    ['Wed 29 May 2019 06:09:22 PM EDT', '2019-05-29T22:09:22.000Z'],
    ['Thursday, April 09, 2003 9:00 AM', '2003-04-09T09:00:00.000Z'],
  ])('%s', (text, expected) => {
    expect(iso(parseMailDate(text))).toBe(expected);
  });

  it.each(['', 'yesterday', 'Tue, 31 Feb 2019 09:15:00 +0000', 'Tue, 2 Foo 2019 09:15:00 +0000', '1 Jan 2024 25:00:00 +0000', 'Tue, 2 Jul 2019', 'Tue, 7 Apr 2026 10:00:t <x@y>'])(
    'rejects %j',
    (text) => {
      expect(parseMailDate(text)).toBeNull();
    },
  );
});

describe('receivedDate', () => {
  it('reads the part after the last semicolon', () => {
    const received = 'from a.example (a.example [192.0.2.1]) by b.example; id 1; Wed, 3 Jul 2019 10:00:00 +0000 (UTC)';
    expect(iso(receivedDate(received))).toBe('2019-07-03T10:00:00.000Z');
  });

  it('is null without a semicolon or with a bad date', () => {
    expect(receivedDate('from a by b')).toBeNull();
    expect(receivedDate('from a by b; not a date')).toBeNull();
  });
});
