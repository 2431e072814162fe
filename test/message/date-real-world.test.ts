/**
 * Date headers as real mail writes them, each with the instant a careful reader gives. Most are from the
 * shared corpus (../shared/corpus: mail-library fixtures, CPython's email test data, spam archives); the
 * rest are forms seen in real archives (issue 11) written out by hand.
 *
 * Columns: the header value; the instant (null: no date and time in it, so the message is dated from
 * Received); 'assumed' when the header names no zone or one we do not know and the time is read as UTC
 * (RFC 5322 §4.3), which the report counts; and, where Python 3.11's email.utils.parsedate_to_datetime
 * answers differently, its answer ("naive": no zone, time shown as if UTC; ERR: it raises) and why ours is
 * the better reading. Python's answers were computed once and are written here, not computed at test time.
 */
import { describe, expect, it } from 'vitest';
import { readMailDate } from '../../src/message/date.js';

type Row = readonly [header: string, instant: string | null, zone: '' | 'assumed', python?: string, why?: string];

const PM = 'Python does not read AM/PM: it takes "PM" for an unknown zone';
const NAMED = 'a zone name Python does not know (its table is RFC 822\'s); ours is in src/message/zone-names.ts';
const ZONE_FORM = 'an offset written in a form Python\'s int() does not take';

const ROWS: readonly Row[] = [
  // one-digit time fields (issue 11: the message sent twice had "10:28:3")
  ['Mon, 27 May 2002 10:28:3 +0200', '2002-05-27T08:28:03Z', ''],
  ['Mon, 27 May 2002 10:28:03 +0200', '2002-05-27T08:28:03Z', ''],
  ['Mon, 27 May 2002 1:2:3 +0200', '2002-05-26T23:02:03Z', ''],
  ['Fri, 23 Aug 2002 2:32:53 -0400', '2002-08-23T06:32:53Z', ''], // corpus
  ['Mon, 27 May 2002 10.28.03 +0200', '2002-05-27T08:28:03Z', ''],
  ['Tue, 17 Jul 2012 22:23:35.882 0000', '2012-07-17T22:23:35Z', '', 'ERR', 'fractional seconds; "0000" is an unsigned offset'], // corpus
  // zones with odd separators, signs or none
  ['Mon, 27 May 2002 10:28:03 +05-30', '2002-05-27T04:58:03Z', '', '2002-05-27T10:28:03Z naive', ZONE_FORM],
  ['Mon, 27 May 2002 10:28:03 +-0500', '2002-05-27T15:28:03Z', '', '2002-05-27T10:28:03Z naive', 'a stray "+" before a negative offset: the last sign is the one meant'],
  ['Mon, 27 May 2002 10:28:03 0530', '2002-05-27T04:58:03Z', ''],
  ['Mon, 27 May 2002 10:28:03 +05:30', '2002-05-27T04:58:03Z', '', '2002-05-27T10:28:03Z naive', ZONE_FORM],
  ['Mon, 27 May 2002 10:28:03 +02', '2002-05-27T08:28:03Z', '', '2002-05-27T10:26:03Z', 'Python reads +02 as two minutes; two digits are hours (ISO 8601)'],
  ['Mon, 21 Aug 95 13:30:57 -600', '1995-08-21T19:30:57Z', ''], // corpus: three digits, -0600
  ['Mon, 27 May 2002 10:28:03 -0000', '2002-05-27T10:28:03Z', ''], // UTC, local zone unknown (RFC 5322 §3.3)
  ['Mon, 27 May 2002 10:28:03 GMT+1', '2002-05-27T09:28:03Z', '', '2002-05-27T10:28:03Z naive', 'GMT+1 as Windows and people write it, UTC+1 (not the POSIX TZ sign)'],
  ['Mon, 27 May 2002 10:28:03 UTC-3', '2002-05-27T13:28:03Z', '', '2002-05-27T10:28:03Z naive', 'UTC-3 is UTC-03:00'],
  ['Mon, 27 May 2002 10:28:03 GMT+05:30', '2002-05-27T04:58:03Z', '', '2002-05-27T10:28:03Z naive', 'GMT+05:30 is UTC+05:30'],
  ['Fri, 6 Apr 2001 09:23:06 -0800 (GMT-0800)', '2001-04-06T17:23:06Z', ''], // corpus
  ['Mon, 20 Sep 2021 21:32:59 +0200 (GMT+02:00)', '2021-09-20T19:32:59Z', ''], // corpus
  // zone names
  ['Mon, 27 May 2002 10:28:03 Eastern Daylight Time', '2002-05-27T14:28:03Z', '', '2002-05-27T10:28:03Z naive', NAMED],
  ['Mon, 27 May 2002 10:28:03 GMT Daylight Time', '2002-05-27T09:28:03Z', '', '2002-05-27T10:28:03Z', 'Python stops at "GMT"; Windows\' "GMT Daylight Time" is British summer time, UTC+1'],
  ['Mon, 27 May 2002 10:28:03 W. Europe Standard Time', '2002-05-27T09:28:03Z', '', '2002-05-27T10:28:03Z naive', NAMED],
  ['Mon, 27 May 2002 10:28:03 Pacific Standard Time', '2002-05-27T18:28:03Z', '', '2002-05-27T10:28:03Z naive', NAMED],
  ['Mon, 27 May 2002 10:28:03 -0400 (Eastern Daylight Time)', '2002-05-27T14:28:03Z', ''],
  ['Mon, 27 May 2002 10:28:03 CEST', '2002-05-27T08:28:03Z', '', '2002-05-27T10:28:03Z naive', NAMED],
  ['Mon, 27 May 2002 10:28:03 CET', '2002-05-27T09:28:03Z', '', '2002-05-27T10:28:03Z naive', NAMED],
  ['Mon, 27 May 2002 10:28:03 MSK', '2002-05-27T07:28:03Z', '', '2002-05-27T10:28:03Z naive', NAMED],
  ['Mon, 27 May 2002 10:28:03 MET DST', '2002-05-27T08:28:03Z', '', '2002-05-27T10:28:03Z naive', 'old Unix mailers\' summer time: MET plus an hour'],
  ['Mon May 27 10:28:03 CEST 2002', '2002-05-27T08:28:03Z', '', '2002-05-27T10:28:03Z naive', NAMED + ' (date(1) output)'],
  ['Mon, 27 May 2002 10:28:03 IST', '2002-05-27T10:28:03Z', 'assumed'], // India, Ireland and Israel all write IST: left unknown
  ['Tue, 2 Jul 2019 09:15:00 A', '2019-07-02T09:15:00Z', 'assumed'], // military letters: -0000 (RFC 5322 §4.3)
  ['Tue, 12 Oct 2010 16:21:05 H0500', '2010-10-12T16:21:05Z', 'assumed'], // corpus
  ['Sat, 4 Aug 2018 05:32:25 &#43;0000', '2018-08-04T05:32:25Z', 'assumed'], // corpus: an HTML-escaped "+"
  ['Wed, 11 Feb 98 11:51 CST', '1998-02-11T17:51:00Z', ''], // corpus: RFC 822's CST, US Central
  ['Fri May 24 10:35:57 EDT 1991', '1991-05-24T14:35:57Z', ''], // corpus
  ['Thu, 16 Jun 2016 00:41:19 (UTC)', '2016-06-16T00:41:19Z', ''], // corpus: the zone only in a comment
  ['Tue, 19 Sep 1995 13:30:00 (EDT) -0400', '1995-09-19T17:30:00Z', '', '1995-09-19T13:30:00Z naive', 'Python takes the comment "(EDT)" for the zone and ignores the offset after it'], // corpus
  ['Sun, 8 Aug 1999 10:04:17 +0200 (MET DST)', '1999-08-08T08:04:17Z', ''], // corpus
  ['Thu, 6 Jun 1996 15:50:39 +0400 (MOW DST)', '1996-06-06T11:50:39Z', ''], // corpus
  ['Thu,  29 Apr 2011 23:45:05 +0900 (JST)', '2011-04-29T14:45:05Z', ''], // corpus
  ['Sat, 20 Sep 2008 20:04:30 +0300 (\u00c3\u00b9\u00c3\u00b2\u00c3\u00a5\u00c3\u00af \u00c3\u00b7\u00c3\u00a9\u00c3\u00b5)', '2008-09-20T17:04:30Z', ''], // corpus: raw 8-bit comment
  // text after the zone
  ['Mon, 27 May 2002 10:28:03 +0200 (CEST) sent from my phone', '2002-05-27T08:28:03Z', ''],
  ['Thu, 29 Apr 2009 23:45:10 -0600\rMessage-Id: <00000000000.fffffff@example.org>', '2009-04-30T05:45:10Z', ''], // corpus: CR-only lines read as one
  // AM/PM
  ['Mon, 27 May 2002 4:12:06 PM', '2002-05-27T16:12:06Z', 'assumed', '2002-05-27T04:12:06Z naive', PM],
  ['Mon, 27 May 2002 4:12:06 PM +0200', '2002-05-27T14:12:06Z', '', '2002-05-27T04:12:06Z naive', PM + ', and then the offset after it'],
  ['Mon, 27 May 2002 12:05:00 AM -0700', '2002-05-27T07:05:00Z', '', '2002-05-27T12:05:00Z naive', '12 AM is midnight; ' + PM],
  ['18 Feb 01 12:29:13 AM', '2001-02-18T00:29:13Z', 'assumed', '2001-02-18T12:29:13Z naive', '12 AM is midnight; ' + PM], // corpus
  ['Wed 29 May 2019 06:09:22 PM EDT', '2019-05-29T22:09:22Z', '', '2019-05-29T06:09:22Z naive', PM + ', and so never sees EDT'], // corpus
  ['May 8, 2005 1:17 PM', '2005-05-08T13:17:00Z', 'assumed', '2005-05-08T01:17:00Z naive', PM], // corpus
  ['Thursday, Apr 29, 2008 2:45:56 PM', '2008-04-29T14:45:56Z', 'assumed', '2008-04-29T02:45:56Z naive', PM], // corpus
  ['Thursday, April 09, 2003 9:00 AM', '2003-04-09T09:00:00Z', 'assumed'], // corpus
  ['Wed, Feb 9, 2011 at 11:54 AM', '2011-02-09T11:54:00Z', 'assumed', 'ERR', 'Gmail\'s quoted-header form: "at" is a word to skip'], // corpus
  // years
  ['27 May 02 10:28:03 +0200', '2002-05-27T08:28:03Z', ''],
  ['27 May 55 10:28:03 +0200', '1955-05-27T08:28:03Z', '', '2055-05-27T08:28:03Z', 'RFC 5322 §4.3: 50-99 are 1950-1999; Python uses the POSIX 69 pivot'],
  ['Mon, 27 May 102 10:28:03 +0200', '2002-05-27T08:28:03Z', '', '102-05-27T08:28:03Z', 'RFC 5322 §4.3: three digits count from 1900 (Y2K-broken software)'],
  ['Mon, 22 Apr 96 18:20:32 -0500', '1996-04-22T23:20:32Z', ''], // corpus
  ['21 Nov 97 09:55:06 GMT', '1997-11-21T09:55:06Z', ''], // corpus
  ['Thu,      13        Feb          1969      23:32               -0330 (Newfoundland Time)', '1969-02-14T03:02:00Z', ''], // corpus (RFC 2822's example)
  // day names, punctuation, order
  ['27 May 2002 10:28:03 +0200', '2002-05-27T08:28:03Z', ''],
  ['Sun, 27 May 2002 10:28:03 +0200', '2002-05-27T08:28:03Z', ''], // a wrong day name is ignored, as by Python
  ['Thu,29 Apr 2012 23:34:45 +0900', '2012-04-29T14:34:45Z', ''], // corpus
  ['Thu 29 Apr 2010 23:34:45 +0900', '2010-04-29T14:34:45Z', ''], // corpus
  ['Mon,  9 Jun 2008 03:33:07 +0200', '2008-06-09T01:33:07Z', ''], // corpus
  ['Mar, 28 May 2002 10:28:03 +0200', '2002-05-28T08:28:03Z', ''], // Spanish "martes": the day name, not March
  ['08 Mar 2011 17:04:20 GMT', '2011-03-08T17:04:20Z', ''], // corpus
  ['Tue, 029 Apr 2019 23:34:45 -0800 (PST)', '2019-04-30T07:34:45Z', ''], // corpus
  ["'Thu, 29 Apr 2012 23:34:45 +0000'", '2012-04-29T23:34:45Z', ''], // corpus: quoted
  ['Mon, 27-May-2002 10:28:03 GMT', '2002-05-27T10:28:03Z', ''],
  ['Monday, 27-May-02 10:28:03 GMT', '2002-05-27T10:28:03Z', ''], // RFC 850
  ['Mon, 27 May 2002 10:28 +0200', '2002-05-27T08:28:00Z', ''],
  ['Mon, 27 May 2002 10:28:03', '2002-05-27T10:28:03Z', 'assumed'],
  ['Fri, 7 Dec 2001 07:01:03', '2001-12-07T07:01:03Z', 'assumed'], // corpus
  ['Mon May 27 10:28:03 2002', '2002-05-27T10:28:03Z', 'assumed'], // asctime, as in mbox From lines
  ['Wed Sep 30 19:56:38 2020 +1000', '2020-09-30T09:56:38Z', ''], // corpus: asctime with the offset after the year
  ['2016-07-19 11:54:24 +0200', '2016-07-19T09:54:24Z', '', 'ERR', 'ISO 8601, which some mailers write'], // corpus
  ['2012-12-08 00:48', '2012-12-08T00:48:00Z', 'assumed', 'ERR', 'ISO 8601 without a zone'], // corpus
  // no date and time in it: the message is dated from Received (Python raises on each of these too)
  ['Wed, 15 Dec 2010    59:10 -0500', null, ''], // corpus
  ['Whenever', null, ''], // corpus
  ['Thu Jan 01 00:00:10 +0000', null, ''], // corpus: no year
  ['29-04-2017 23:34', null, ''], // corpus: day and month could be either way round
  ['Tue, 7 Apr 2026 10:00:t <rimap-test@example.test>', null, ''], // corpus
  ['Fri,6  c O1t2009 10:34:38 +0200', null, ''], // corpus
  ['Tue, 31 Feb 2019 11:15:00 +0200', null, ''],
  ['Mon, 27 May 2002', null, ''], // a date with no time
];

describe('real-world Date headers', () => {
  it('has the table the issue asks for', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(60);
    expect(ROWS.filter((r) => r[3] !== undefined).every((r) => (r[4] ?? '') !== '')).toBe(true);
  });

  it.each(ROWS.map(([header, instant, zone]) => [header, instant, zone] as const))('%j', (header, instant, zone) => {
    const read = readMailDate(header);
    expect(read === null ? null : read.date.toISOString().replace('.000Z', 'Z')).toBe(instant);
    if (read !== null) expect(read.zoneAssumed).toBe(zone === 'assumed');
  });
});
