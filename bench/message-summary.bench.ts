/**
 * Cost of summarizeMessage on realistic header blocks (Received chains, DKIM, ARC, folded spam headers,
 * encoded-word subjects in several charsets, Date variants). Prints µs per call, median of 5 rounds.
 *
 *   npx tsx bench/message-summary.bench.ts [--rounds N] [--calls N]
 *
 * Two figures: summarizeMessage alone, and summarizeMessage followed by the spam policy (as the dry run
 * does: it reads X-SES-Virus-Verdict, X-SES-Spam-Verdict, X-Spam-Flag and X-Spam-Status from `headers`).
 */
import { parseArgs } from 'node:util';
import { summarizeMessage } from '../src/message/summarize.js';
import { classifySpam } from '../src/policy/spam.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    calls: { type: 'string', default: '20000' },
  },
});
const ROUNDS = Number(values.rounds);
const CALLS = Number(values.calls);

const SUBJECTS = [
  'Quarterly report Q3 - final numbers',
  '=?UTF-8?B?UmU6IFByb2pla3RiZXNwcmVjaHVuZyDDvGJlcm7DpGNoc3RlIFdvY2hl?=',
  '=?iso-8859-1?Q?R=E9union_de_l=27=E9quipe_=E0_10h?=',
  '=?ISO-2022-JP?B?GyRCJTUlVyU4JSclLyVIGyhC?=',
  '=?windows-1252?Q?Angebot_f=FCr_Stra=DFenbau?=\r\n =?windows-1252?Q?_=96_Teil_2?=',
  '=?GB2312?B?xOO6w6Osx+vIt8jPttS6xQ==?=',
  '=?utf-8?Q?Caf=C3=A9_meeting?= tomorrow',
  'RE: FW: Lunch on Friday?',
];

const DATES = [
  'Tue, 2 Jul 2019 11:15:00 +0200',
  'Wed, 13 Nov 2024 08:02:41 -0700 (PDT)',
  'Mon, 04 Mar 2024 16:30:12 +0000 (UTC)',
  '3 Jan 2023 07:45:00 -0500',
  'Fri, 29 Dec 2023 23:59:59 GMT',
  'Thu, 6 Jun 2024 10:00 +0100',
];

function received(i: number, hop: number, date: string): string {
  return (
    `Received: from mail-${hop}.example${i % 7}.net (mail-${hop}.example${i % 7}.net [203.0.113.${(i + hop) % 250}])\r\n` +
    `\tby inbound-smtp.us-west-2.amazonaws.com with SMTP id ${(i * 7919 + hop).toString(36)}abcdefghij\r\n` +
    `\tfor <user${i % 50}@example.com>;\r\n\t${date}\r\n`
  );
}

function headerBlock(i: number): Buffer {
  const date = DATES[i % DATES.length]!;
  const subject = `${SUBJECTS[i % SUBJECTS.length]!} #${i}`;
  const spam = i % 10 === 0 ? 'Yes' : 'No';
  const text =
    `Return-Path: <bounce-${i}@mailer.example.org>\r\n` +
    received(i, 3, date) +
    received(i, 2, date) +
    received(i, 1, date) +
    'X-SES-Spam-Verdict: PASS\r\n' +
    'X-SES-Virus-Verdict: PASS\r\n' +
    'Received-SPF: pass (spfCheck: domain of example.org designates 203.0.113.5 as permitted sender)\r\n' +
    ' client-ip=203.0.113.5; envelope-from=bounce@mailer.example.org; helo=mail-1.example.org;\r\n' +
    `Authentication-Results: amazonses.com;\r\n spf=pass (spfCheck: domain of example.org designates 203.0.113.5 as\r\n permitted sender) client-ip=203.0.113.5; envelope-from=bounce@mailer.example.org;\r\n dkim=pass header.i=@example.org; dmarc=pass header.from=example.org;\r\n` +
    'ARC-Seal: i=1; a=rsa-sha256; t=1700000000; cv=none; d=google.com; s=arc-20160816;\r\n' +
    '        b=Xk3pJz8hQ1mYqW2vN5tR7uL0cB9aE4fG6hJ8kM1nP3qS5tV7wX9yZ0aB2cD4eF6gH8i\r\n' +
    '         J0kL2mN4oP6qR8sT0uV2wX4yZ6aB8cD0eF2gH4iJ6kL8mN0oP2qR4sT6uV8wX0yZ2aB==\r\n' +
    'ARC-Message-Signature: i=1; a=rsa-sha256; c=relaxed/relaxed; d=google.com; s=arc-20160816;\r\n' +
    '        h=to:subject:message-id:date:from:mime-version:dkim-signature;\r\n' +
    '        bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\r\n' +
    '        b=Qm9ndXMgc2lnbmF0dXJlIGZvciBiZW5jaG1hcmtpbmcgb25seSwgbm90IHJlYWwgZGF0YQ==\r\n' +
    'ARC-Authentication-Results: i=1; mx.google.com;\r\n       dkim=pass header.i=@example.org header.s=s1 header.b=abc123;\r\n       spf=pass smtp.mailfrom=bounce@mailer.example.org\r\n' +
    'DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=s1;\r\n' +
    '\th=From:To:Subject:Date:Message-ID:MIME-Version:Content-Type;\r\n' +
    '\tbh=frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=;\r\n' +
    '\tb=dGhpcyBpcyBub3QgYSByZWFsIHNpZ25hdHVyZSBidXQgaXQgaXMgYXMgbG9uZyBhcyBvbmUgd291bGQgYmUgaW4gcmVhbCBtYWlsIGV4cG9ydHMg\r\n' +
    '\t aGVyZSBhbmQgdGhlcmUgYW5kIGV2ZXJ5d2hlcmUgaW4gdGhlIGhlYWRlciBibG9jaw==\r\n' +
    `X-Spam-Status: ${spam}, score=${spam === 'Yes' ? '7.3' : '-1.9'} required=5.0 tests=BAYES_00,DKIM_SIGNED,\r\n` +
    '\tDKIM_VALID,DKIM_VALID_AU,HTML_MESSAGE,RCVD_IN_DNSWL_NONE,SPF_HELO_NONE,SPF_PASS\r\n' +
    '\tautolearn=ham autolearn_force=no version=3.4.6\r\n' +
    `X-Spam-Flag: ${spam === 'Yes' ? 'YES' : 'NO'}\r\n` +
    `From: =?utf-8?Q?Ren=C3=A9_M=C3=BCller?= <rene.${i % 40}@example.org>\r\n` +
    `To: "Team ${i % 9}" <team${i % 9}@example.com>, other@example.com\r\n` +
    `Cc: =?iso-8859-1?Q?J=F6rg?= <joerg@example.net>\r\n` +
    `Subject: ${subject}\r\n` +
    `Date: ${date}\r\n` +
    `Message-ID: <CAF${(i * 104729).toString(36)}.${i}@mail.gmail.com>\r\n` +
    `In-Reply-To: <CAE${(i * 31).toString(36)}@mail.gmail.com>\r\n` +
    `References: <CAD${(i * 17).toString(36)}@mail.gmail.com>\r\n <CAE${(i * 31).toString(36)}@mail.gmail.com>\r\n` +
    'MIME-Version: 1.0\r\n' +
    'Content-Type: multipart/alternative; boundary="000000000000a1b2c3d4e5f6"\r\n' +
    'Thread-Topic: Lunch on Friday?\r\n' +
    'Thread-Index: AQHZ1234567890abcdefABCDEF==\r\n' +
    'X-MS-Exchange-Organization-AuthAs: Anonymous\r\n' +
    'X-Mailer: Microsoft Outlook 16.0\r\n' +
    '\r\n';
  return Buffer.from(text, 'latin1');
}

// distinct blocks, more than any cache of decoded values would hold on to across a real export's messages
const BLOCKS = Array.from({ length: 4096 }, (_, i) => headerBlock(i));
const SPAM_OPTIONS = { keepJunk: false, userRules: [] };
const FOLDER = ['Inbox'];

let sink = 0;
function round(withPolicy: boolean, calls: number): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) {
    const summary = summarizeMessage(BLOCKS[i % BLOCKS.length]!);
    sink += summary.fingerprint.length;
    if (withPolicy) sink += classifySpam({ folderSegments: FOLDER, headers: summary.headers }, SPAM_OPTIONS).spam ? 1 : 0;
  }
  return Number(process.hrtime.bigint() - start) / 1000 / calls;
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const avgBytes = BLOCKS.reduce((n, b) => n + b.length, 0) / BLOCKS.length;
console.log(`header blocks: ${BLOCKS.length} distinct, ${Math.round(avgBytes)} bytes on average; ${ROUNDS} rounds of ${CALLS} calls`);
for (const withPolicy of [false, true]) {
  round(withPolicy, Math.min(CALLS, 5000)); // warm-up
  const runs = Array.from({ length: ROUNDS }, () => round(withPolicy, CALLS));
  const label = withPolicy ? 'summarizeMessage + classifySpam' : 'summarizeMessage';
  console.log(`${label}: median ${median(runs).toFixed(2)} µs/call  runs [${runs.map((r) => r.toFixed(2)).join(', ')}]`);
}
if (sink === -1) console.log(sink);
