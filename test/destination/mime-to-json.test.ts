import { describe, expect, it } from 'vitest';
import { mimeToJson } from '../../src/destination/graph/mime-to-json.js';
import { FINGERPRINT_PROPERTY_ID } from '../../src/destination/graph/named-property.js';
import { summarizeMessage } from '../../src/message/summarize.js';

function mime(lines: string[]): Buffer {
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

function property(converted: Awaited<ReturnType<typeof mimeToJson>>, id: string): string | undefined {
  return converted.message.singleValueExtendedProperties.find((p) => p.id === id)?.value;
}

describe('mimeToJson', () => {
  it('decodes an encoded subject, sets non-draft flags, both dates and the fingerprint property', async () => {
    const converted = await mimeToJson(
      mime([
        'Received: from mx.example.net by mail.example.com; Tue, 05 Mar 2024 10:05:09 +0000',
        'Received: from client by mx.example.net; Tue, 05 Mar 2024 10:04:00 +0000',
        'From: =?UTF-8?B?SsO8cmdlbg==?= <juergen@example.com>',
        'To: ann@example.com',
        'Subject: =?ISO-8859-1?Q?Gr=FC=DFe?= aus =?UTF-8?B?TcO8bmNoZW4=?=',
        'Date: Tue, 5 Mar 2024 11:00:00 +0100',
        'Message-ID: <abc.123@example.com>',
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Hallo',
      ]),
      'fp-1',
    );
    expect(converted.message.subject).toBe('Grüße aus München');
    expect(converted.message.from).toEqual({ emailAddress: { name: 'Jürgen', address: 'juergen@example.com' } });
    expect(converted.message.sender).toEqual(converted.message.from);
    expect(converted.message.internetMessageId).toBe('<abc.123@example.com>');
    expect(converted.message.body).toEqual({ contentType: 'text', content: 'Hallo' });
    expect(converted.message.isRead).toBe(true);
    expect(property(converted, 'Integer 0x0E07')).toBe('1');
    expect(property(converted, 'SystemTime 0x0039')).toBe('2024-03-05T10:00:00Z');
    // The top-most Received header is the delivery into the mailbox.
    expect(property(converted, 'SystemTime 0x0E06')).toBe('2024-03-05T10:05:09Z');
    expect(property(converted, FINGERPRINT_PROPERTY_ID)).toBe('fp-1');
    expect(converted.attachments).toEqual([]);
  });

  it('prefers the HTML alternative and keeps multiple recipients, groups flattened', async () => {
    const converted = await mimeToJson(
      mime([
        'From: a@example.com',
        'To: "Bob B" <bob@example.com>, carol@example.com',
        'Cc: Team: dave@example.com, "Eve" <eve@example.com>;',
        'Bcc: frank@example.com',
        'Reply-To: replies@example.com',
        'Subject: alt',
        'Date: Wed, 06 Mar 2024 08:00:00 +0000',
        'X-Priority: 1',
        'MIME-Version: 1.0',
        'Content-Type: multipart/alternative; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/plain; charset=us-ascii',
        '',
        'plain body',
        '--b1',
        'Content-Type: text/html; charset=us-ascii',
        '',
        '<p>html body</p>',
        '--b1--',
        '',
      ]),
      'fp',
    );
    expect(converted.message.body.contentType).toBe('html');
    expect(converted.message.body.content).toContain('<p>html body</p>');
    expect(converted.message.body.content).not.toContain('plain body');
    expect(converted.message.toRecipients).toEqual([
      { emailAddress: { name: 'Bob B', address: 'bob@example.com' } },
      { emailAddress: { address: 'carol@example.com' } },
    ]);
    expect(converted.message.ccRecipients.map((r) => r.emailAddress.address)).toEqual(['dave@example.com', 'eve@example.com']);
    expect(converted.message.bccRecipients.map((r) => r.emailAddress.address)).toEqual(['frank@example.com']);
    expect(converted.message.replyTo.map((r) => r.emailAddress.address)).toEqual(['replies@example.com']);
    expect(converted.message.importance).toBe('high');
  });

  it('returns inline images with their Content-ID and keeps the cid: links in the HTML', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const converted = await mimeToJson(
      mime([
        'From: a@example.com',
        'To: b@example.com',
        'Subject: picture',
        'Date: Thu, 07 Mar 2024 09:00:00 +0000',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="m"',
        '',
        '--m',
        'Content-Type: multipart/related; boundary="r"',
        '',
        '--r',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<img src="cid:logo@example">',
        '--r',
        'Content-Type: image/png; name="logo.png"',
        'Content-Transfer-Encoding: base64',
        'Content-ID: <logo@example>',
        'Content-Disposition: inline; filename="logo.png"',
        '',
        png.toString('base64'),
        '--r--',
        '--m',
        'Content-Type: application/pdf; name="report.pdf"',
        'Content-Transfer-Encoding: base64',
        'Content-Disposition: attachment; filename="report.pdf"',
        '',
        Buffer.from('%PDF-1.4 test').toString('base64'),
        '--m--',
        '',
      ]),
      'fp',
    );
    expect(converted.message.body.content).toContain('cid:logo@example');
    expect(converted.attachments).toHaveLength(2);
    const [logo, report] = converted.attachments;
    expect(logo).toMatchObject({ name: 'logo.png', contentType: 'image/png', isInline: true, contentId: 'logo@example' });
    expect(logo?.content.equals(png)).toBe(true);
    expect(report).toMatchObject({ name: 'report.pdf', contentType: 'application/pdf', isInline: false, contentId: null });
    expect(report?.content.toString()).toBe('%PDF-1.4 test');
  });

  it('leaves both dates to Exchange when the message has no Date and no Received header', async () => {
    const converted = await mimeToJson(mime(['From: a@example.com', 'Subject: undated', '', 'x']), 'fp');
    const ids = converted.message.singleValueExtendedProperties.map((p) => p.id);
    expect(ids).not.toContain('SystemTime 0x0039');
    expect(ids).not.toContain('SystemTime 0x0E06');
    expect(ids).toContain('Integer 0x0E07');
    expect(converted.message.internetMessageId).toBeUndefined();
  });

  it('uses the Received date for both dates when Date is missing, so the fingerprint date round-trips', async () => {
    const converted = await mimeToJson(
      mime(['Received: by mx; Fri, 08 Mar 2024 12:00:00 -0500', 'Subject: no date', '', 'x']),
      'fp',
    );
    expect(property(converted, 'SystemTime 0x0039')).toBe('2024-03-08T17:00:00Z');
    expect(property(converted, 'SystemTime 0x0E06')).toBe('2024-03-08T17:00:00Z');
  });

  // issue 11: on the JSON path eml-import writes sentDateTime itself; a Date header its old reader rejected
  // went in as the Received time, so the mailbox showed a wrong date and the fingerprint missed it
  it.each([
    ['Mon, 27 May 2002 10:28:3 +0200', '2002-05-27T08:28:03Z'],
    ['Mon, 27 May 2002 10:28:03 +05-30', '2002-05-27T04:58:03Z'],
    ['Mon, 27 May 2002 10:28:03 Eastern Daylight Time', '2002-05-27T14:28:03Z'],
    ['Mon, 27 May 2002 4:12:06 PM +0200', '2002-05-27T14:12:06Z'],
    ['Mon, 27 May 2002 10:28:03 GMT+1 (sent from my phone)', '2002-05-27T09:28:03Z'],
  ])('sends the Date header as read by the fingerprint (%s), not the Received time', async (date, sent) => {
    const message = mime(['Received: by mx; Mon, 27 May 2002 09:46:16 +0000', `Date: ${date}`, 'Subject: d', '', 'x']);
    const converted = await mimeToJson(message, 'fp');
    expect(property(converted, 'SystemTime 0x0039')).toBe(sent);
    expect(property(converted, 'SystemTime 0x0039')).toBe(summarizeMessage(message).date?.toISOString().replace('.000Z', 'Z'));
    expect(property(converted, 'SystemTime 0x0E06')).toBe('2002-05-27T09:46:16Z');
  });

  it('keeps at most five ASCII x- headers and no others', async () => {
    const lines = ['From: a@example.com', 'Subject: h', 'Date: Fri, 08 Mar 2024 12:00:00 +0000', 'Received: by x; Fri, 08 Mar 2024 12:00:00 +0000'];
    for (let i = 1; i <= 7; i += 1) lines.push(`X-Test-${i}: value ${i}`);
    lines.push('X-Long: ' + 'a'.repeat(1200), 'List-Id: <l.example.com>', '', 'x');
    const converted = await mimeToJson(mime(lines), 'fp');
    expect(converted.message.internetMessageHeaders).toEqual([1, 2, 3, 4, 5].map((i) => ({ name: `X-Test-${i}`, value: `value ${i}` })));
  });
});
