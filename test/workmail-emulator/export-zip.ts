import yazl from 'yazl';
import type { EmulatedUser } from './organisation.js';

/**
 * The zip an emulated export job writes: a few plain messages in Inbox and Sent Items, addressed to the
 * user, so an import of it has something real to do. Deterministic, so reruns compare equal.
 */
export async function exportZipFor(user: EmulatedUser, messages = 3): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const mtime = new Date('2024-01-01T00:00:00Z');
  for (let i = 1; i <= messages; i++) {
    const folder = i % 3 === 0 ? 'Sent Items' : 'Inbox';
    const text = [
      `From: Sender ${i} <sender${i}@example.net>`,
      `To: ${user.email}`,
      `Subject: Export test ${i} for ${user.name}`,
      `Date: Mon, ${String(i).padStart(2, '0')} Jan 2024 10:00:00 +0000`,
      `Message-ID: <export-${i}.${user.id}@example.net>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      `Message ${i} of ${user.email}'s export.`,
      '',
    ].join('\r\n');
    zip.addBuffer(Buffer.from(text, 'utf8'), `${folder}/${i}.eml`, { mtime });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
