/**
 * The emulator dates MIME uploads as Exchange does, with its own reader (sent-date.ts), not mailparser's
 * `new Date(value)`: these forms made mailparser give "now" or a local-time reading.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@microsoft/microsoft-graph-client';
import { base64Mime, graphFor } from './clients.js';
import { startEmulator, type Emulator } from './index.js';
import { dateField, sentSeconds } from './sent-date.js';

const ANN = 'ann@contoso.onmicrosoft.com';

const iso = (header: string): string | null => {
  const s = sentSeconds(header);
  return s === null ? null : new Date(s * 1000).toISOString().replace('.000Z', 'Z');
};

describe('sentSeconds', () => {
  it.each([
    ['Mon, 27 May 2002 10:28:3 +0200', '2002-05-27T08:28:03Z'],
    ['Mon, 27 May 2002 10.28.03 +0200', '2002-05-27T08:28:03Z'],
    ['Mon, 27 May 2002 10:28:03 +05-30', '2002-05-27T04:58:03Z'],
    ['Mon, 27 May 2002 10:28:03 +-0500', '2002-05-27T15:28:03Z'],
    ['Mon, 27 May 2002 10:28:03 0530', '2002-05-27T04:58:03Z'],
    ['Mon, 27 May 2002 10:28:03 GMT+1', '2002-05-27T09:28:03Z'],
    ['Mon, 27 May 2002 10:28:03 UTC-3', '2002-05-27T13:28:03Z'],
    ['Mon, 27 May 2002 10:28:03 Eastern Daylight Time', '2002-05-27T14:28:03Z'],
    ['Mon, 27 May 2002 10:28:03 GMT Daylight Time', '2002-05-27T09:28:03Z'],
    ['Mon, 27 May 2002 10:28:03 W. Europe Standard Time', '2002-05-27T09:28:03Z'],
    ['Mon, 27 May 2002 10:28:03 +0200 (CEST) sent from my phone', '2002-05-27T08:28:03Z'],
    ['Mon, 27 May 2002 4:12:06 PM', '2002-05-27T16:12:06Z'],
    ['Wed 29 May 2019 06:09:22 PM EDT', '2019-05-29T22:09:22Z'],
    ['Mon, 27 May 2002 10:28:03', '2002-05-27T10:28:03Z'],
    ['Mon May 27 10:28:03 CEST 2002', '2002-05-27T08:28:03Z'],
    ['Tue, 19 Sep 1995 13:30:00 (EDT) -0400', '1995-09-19T17:30:00Z'],
    ['Thu, 16 Jun 2016 00:41:19 (UTC)', '2016-06-16T00:41:19Z'],
    ['27 May 55 10:28:03 +0200', '1955-05-27T08:28:03Z'],
    ['2016-07-19 11:54:24 +0200', '2016-07-19T09:54:24Z'],
    ['Whenever', null],
    ['Mon, 27 May 2002', null],
    ['Tue, 31 Feb 2019 11:15:00 +0200', null],
  ])('%j', (header, expected) => {
    expect(iso(header)).toBe(expected);
  });

  it('finds the first Date field, unfolded', () => {
    expect(dateField('Subject: x\r\nDate: Mon, 27 May 2002\r\n 10:28:3 +0200\r\nDate: later\r\n')).toBe('Mon, 27 May 2002 10:28:3 +0200');
    expect(dateField('X-Date: no\nSubject: x\n')).toBeUndefined();
  });
});

describe('importMime sentDateTime', () => {
  let emulator: Emulator;
  let graph: Client;
  beforeAll(async () => {
    emulator = await startEmulator();
    graph = graphFor(emulator);
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('takes it from a Date header that mailparser cannot read', async () => {
    const message = (await graph
      .api(`/users/${ANN}/mailFolders/inbox/importMime`)
      .version('beta')
      .header('Content-Type', 'text/plain')
      .post(base64Mime(['Subject: one-digit seconds', 'Date: Mon, 27 May 2002 10:28:3 +0200', 'Received: from a by b; Mon, 27 May 2002 09:46:16 +0000', '', 'body']))) as { sentDateTime: string };
    expect(message.sentDateTime).toBe('2002-05-27T08:28:03Z');
    expect(emulator.inspect.messages(ANN, 'Inbox').find((m) => m.subject === 'one-digit seconds')?.sentDateTime).toBe('2002-05-27T08:28:03Z');
  });
});
