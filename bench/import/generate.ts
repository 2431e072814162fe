/**
 * Synthetic WorkMail-style export zips for the import benchmark: one zip per mailbox, deterministic for a
 * given seed, every message distinct (own subject, date and Message-ID, so dedup keeps them all), none spam.
 */
import { createCipheriv } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import yazl from 'yazl';
import { rfc5322Date, seededRandom } from '../../fixtures/mail.js';

/** Which sizes a mailbox's messages have. */
export type SizeMix = 'realistic' | 'small' | 'large';

export interface GeneratedZip {
  readonly path: string;
  readonly messages: number;
  /** Raw MIME bytes of every message, in entry order. */
  readonly sizes: readonly number[];
}

/** Folders of a typical mailbox; the nested ones have to be created in the destination. */
const FOLDERS: ReadonlyArray<readonly [string, number]> = [
  ['Inbox', 0.5],
  ['Sent Items', 0.2],
  ['Inbox/Projects', 0.15],
  ['Archive/2023', 0.15],
];

const WORDS = ('the quarterly report meeting budget review and numbers team plan please find attached as discussed ' +
  'regards thanks update project deadline next week schedule call agenda notes follow up customer invoice').split(' ');

/** One big pool of wrapped text; bodies are slices of it, so making 2,000 messages costs little. */
const TEXT_POOL = ((): string => {
  const random = seededRandom(0x7e57);
  const lines: string[] = [];
  let size = 0;
  while (size < 2_000_000) {
    let line = '';
    while (line.length < 66) line += `${WORDS[Math.floor(random() * WORDS.length)] ?? 'x'} `;
    lines.push(line.trimEnd());
    size += line.length + 2;
  }
  return lines.join('\r\n');
})();

function textOf(random: () => number, bytes: number): string {
  const start = Math.floor(random() * (TEXT_POOL.length - bytes - 1));
  return TEXT_POOL.slice(start, start + bytes);
}

/** Incompressible attachment bytes: an AES-CTR keystream (fast, deterministic). */
function noise(seed: number, length: number): Buffer {
  const key = Buffer.alloc(16);
  key.writeUInt32LE(seed >>> 0, 0);
  return createCipheriv('aes-128-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(length));
}

function wrap76(base64: string): string {
  const lines: string[] = [];
  for (let i = 0; i < base64.length; i += 76) lines.push(base64.slice(i, i + 76));
  return lines.join('\r\n');
}

/**
 * Target raw size of a message. realistic: 70 % 5–30 KB, 22 % 30–80 KB, 8 % 250–350 KB (an attachment).
 * small: 5–20 KB, plain text (for the request-budget scenario). large: 300–700 KB, every one with an
 * attachment (for the byte-budget scenario).
 */
function targetSize(random: () => number, mix: SizeMix): number {
  if (mix === 'large') return Math.floor(300_000 + random() * 400_000);
  if (mix === 'small') return Math.floor(5_000 + random() * 15_000);
  const roll = random();
  if (roll < 0.7) return Math.floor(5_000 + random() * 25_000);
  if (roll < 0.92) return Math.floor(30_000 + random() * 50_000);
  return Math.floor(250_000 + random() * 100_000);
}

function pickFolder(random: () => number): string {
  let n = random();
  for (const [folder, share] of FOLDERS) {
    n -= share;
    if (n < 0) return folder;
  }
  return 'Inbox';
}

export function makeMessage(mailbox: string, index: number, mix: SizeMix, seed: number): { folder: string; bytes: Buffer } {
  const random = seededRandom((seed * 1_000_003 + index * 7919) >>> 0);
  const folder = pickFolder(random);
  const size = targetSize(random, mix);
  const date = new Date(Date.UTC(2019, 0, 1) + index * 3_600_000 + Math.floor(random() * 3_000_000));
  const local = mailbox.split('@')[0] ?? 'user';
  const headers = [
    `Received: from mx1.example.net (mx1.example.net [192.0.2.1])\r\n\tby inbound-smtp.eu-west-1.amazonaws.com with SMTP id ${seed}x${index}\r\n\tfor <${mailbox}>; ${rfc5322Date(date)}`,
    'X-SES-Spam-Verdict: PASS',
    'X-SES-Virus-Verdict: PASS',
    'X-Spam-Status: No, score=-0.4 required=5.0 tests=BAYES_00,DKIM_SIGNED autolearn=ham',
    'From: Bob Sender <bob@example.net>',
    `To: ${local} <${mailbox}>`,
    `Subject: ${textOf(random, 40).replace(/\s+/g, ' ').trim()} #${local}-${index}`,
    `Date: ${rfc5322Date(date)}`,
    `Message-ID: <bench-${seed}-${index}.${local}@mail.example.com>`,
    'MIME-Version: 1.0',
  ];
  const head = headers.join('\r\n');
  const withAttachment = size > 100_000;
  let body: string;
  if (!withAttachment) {
    headers.push('Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 7bit');
    body = textOf(random, Math.max(200, size - head.length - 80));
  } else {
    const boundary = `mixed-${seed}-${index}`;
    headers.push(`Content-Type: multipart/mixed; boundary="${boundary}"`);
    const textPart = textOf(random, 2_000);
    // base64 (with CRLF every 76) grows the bytes by 4/3 * 78/76.
    const attachmentBytes = Math.max(1_000, Math.floor(((size - head.length - 2_500) * 3 * 76) / (4 * 78)));
    body = [
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      textPart,
      `--${boundary}`,
      `Content-Type: application/pdf; name="doc${index}.pdf"`,
      'Content-Transfer-Encoding: base64',
      `Content-Disposition: attachment; filename="doc${index}.pdf"`,
      '',
      wrap76(noise(seed * 100_000 + index, attachmentBytes).toString('base64')),
      `--${boundary}--`,
      '',
    ].join('\r\n');
  }
  return { folder, bytes: Buffer.from(`${headers.join('\r\n')}\r\n\r\n${body}`, 'utf8') };
}

/** Writes one mailbox's export zip (entries under an export-job root, as WorkMail writes them). */
export async function writeExportZip(path: string, mailbox: string, messages: number, mix: SizeMix, seed: number): Promise<GeneratedZip> {
  const zip = new yazl.ZipFile();
  const mtime = new Date('2024-01-01T00:00:00Z');
  const sizes: number[] = [];
  const root = `export-${mailbox.split('@')[0] ?? 'user'}-${seed}`;
  for (let i = 0; i < messages; i++) {
    const { folder, bytes } = makeMessage(mailbox, i, mix, seed);
    sizes.push(bytes.length);
    // Large random attachments gain nothing from deflate; store them and save the bench's CPU.
    zip.addBuffer(bytes, `${root}/${folder}/${i}.eml`, { mtime, compress: bytes.length < 100_000 });
  }
  zip.end();
  await new Promise<void>((resolve, reject) => {
    const out = createWriteStream(path);
    zip.outputStream.pipe(out).on('close', () => resolve()).on('error', reject);
  });
  return { path, messages, sizes };
}
