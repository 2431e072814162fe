import { createWriteStream } from 'node:fs';
import yazl from 'yazl';

export interface ZipFile {
  readonly name: string;
  readonly content: Buffer | string;
}

/** Writes a zip of these entries (deflated) with yazl: small ad-hoc exports for one test's scenario. */
export async function writeZip(path: string, files: readonly ZipFile[]): Promise<string> {
  const zip = new yazl.ZipFile();
  const mtime = new Date('2024-01-01T00:00:00Z');
  for (const file of files) zip.addBuffer(Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content, 'utf8'), file.name, { mtime });
  zip.end();
  await new Promise<void>((resolve, reject) => {
    const out = createWriteStream(path);
    zip.outputStream.pipe(out).on('close', () => resolve()).on('error', reject);
  });
  return path;
}

/** A plain RFC 5322 message; vary subject/date/id to make distinct ones. */
export function message(options: { subject: string; date?: string; messageId?: string; body?: string; extraHeaders?: string[]; from?: string }): string {
  const lines = [
    `From: ${options.from ?? 'Ann Example <ann@example.com>'}`,
    'To: bob@example.com',
    `Subject: ${options.subject}`,
    ...(options.date === undefined ? ['Date: Mon, 4 Mar 2024 10:00:00 +0000'] : options.date === '' ? [] : [`Date: ${options.date}`]),
    ...(options.messageId === undefined ? [] : [`Message-ID: ${options.messageId}`]),
    ...(options.extraHeaders ?? []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    options.body ?? `Body of ${options.subject}`,
    '',
  ];
  return lines.join('\r\n');
}
