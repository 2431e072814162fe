/** MIME messages built for destination tests: plain strings, CRLF, with optional attachments. */

export interface TestAttachment {
  readonly name: string;
  readonly contentType: string;
  readonly content: Buffer;
  readonly contentId?: string;
}

export interface TestMessage {
  readonly subject: string;
  readonly date?: string;
  readonly messageId?: string;
  readonly received?: string;
  readonly html?: string;
  readonly text?: string;
  readonly attachments?: readonly TestAttachment[];
}

function base64Lines(content: Buffer): string {
  return (content.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
}

export function buildMime(message: TestMessage): Buffer {
  const head = [
    ...(message.received === undefined ? [] : [`Received: from mx.example.net by mail.example.com; ${message.received}`]),
    'From: "Sender Person" <sender@example.com>',
    'To: ann@contoso.onmicrosoft.com, "Bob" <bob@example.com>',
    `Subject: ${message.subject}`,
    ...(message.date === undefined ? [] : [`Date: ${message.date}`]),
    ...(message.messageId === undefined ? [] : [`Message-ID: ${message.messageId}`]),
    'X-Mailer: test-mailer 1.0',
    'MIME-Version: 1.0',
  ];
  const body = message.html === undefined
    ? ['Content-Type: text/plain; charset=utf-8', '', message.text ?? 'body text']
    : ['Content-Type: text/html; charset=utf-8', '', message.html];
  const attachments = message.attachments ?? [];
  if (attachments.length === 0) return Buffer.from([...head, ...body, ''].join('\r\n'));
  const parts = attachments.map((a) => [
    '--BOUNDARY',
    `Content-Type: ${a.contentType}; name="${a.name}"`,
    'Content-Transfer-Encoding: base64',
    ...(a.contentId === undefined
      ? [`Content-Disposition: attachment; filename="${a.name}"`]
      : [`Content-ID: <${a.contentId}>`, `Content-Disposition: inline; filename="${a.name}"`]),
    '',
    base64Lines(a.content),
  ].join('\r\n'));
  return Buffer.from(
    [...head, 'Content-Type: multipart/related; boundary="BOUNDARY"', '', '--BOUNDARY', ...body, ...parts, '--BOUNDARY--', ''].join('\r\n'),
  );
}
