import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { writeZip } from '../helpers/make-zip.js';
import { emulatorForTests, tenantArgs } from '../helpers/tenant.js';
import { runCliChild } from '../helpers/run-cli.js';

const MAILBOX = 'ann@contoso.onmicrosoft.com';
const ATTACHMENTS = 6;

// Slow answers, so that a kill lands between the JSON create and the attachments added after it.
const tenant = emulatorForTests({ mailboxes: [MAILBOX], latencyMs: { min: 300, max: 400 }, seed: 3 }, 'json-crash');

/** A message with `count` attachments of 1 MB each: two ride in the JSON create, the rest are POSTed after it. */
function withAttachments(count: number): Buffer {
  const boundary = 'b-json-crash';
  const parts = [
    'From: Ann Example <ann@example.com>',
    'To: bob@example.com',
    'Subject: Six attachments',
    'Date: Mon, 4 Mar 2024 10:00:00 +0000',
    'Message-ID: <six@json-crash>',
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    'See attached.',
  ];
  for (let i = 0; i < count; i += 1) {
    parts.push(
      `--${boundary}`,
      'Content-Type: application/octet-stream',
      `Content-Disposition: attachment; filename="part-${i}.bin"`,
      'Content-Transfer-Encoding: base64',
      '',
      randomBytes(1024 * 1024).toString('base64').replace(/.{76}/g, '$&\r\n'),
    );
  }
  parts.push(`--${boundary}--`, '');
  return Buffer.from(parts.join('\r\n'));
}

/** The CLI as a child process against the emulator, SIGKILLed once `killWhen` says so. */
function runChild(args: string[], killWhen: (() => boolean) | null): ReturnType<typeof runCliChild> {
  return runCliChild(args, { NODE_EXTRA_CA_CERTS: tenant.emulator.caFile, EML_IMPORT_CLIENT_SECRET: tenant.emulator.clientSecret }, killWhen);
}

describe('a JSON-path import killed while its attachments are being added', () => {
  it('ends with the message once and each attachment once', async () => {
    const zip = await writeZip(join(tenant.work, 'json-crash.zip'), [{ name: 'Inbox/six.eml', content: withAttachments(ATTACHMENTS) }]);
    const args = [zip, ...tenantArgs(tenant.emulator, MAILBOX), '--api', 'v1.0', '--state', join(tenant.work, 'state'), '--no-progress', '--json', '--landing-window', '2'];
    // Killed once the message exists with some, not all, of its attachments.
    const midAttachments = (): boolean => {
      const [m] = tenant.emulator.inspect.messages(MAILBOX);
      return m !== undefined && m.attachments.length > 2 && m.attachments.length < ATTACHMENTS;
    };
    const first = await runChild(args, midAttachments);
    expect(first.killed).toBe(true);
    const atKill = tenant.emulator.inspect.messages(MAILBOX)[0]?.attachments.length;

    const second = await runChild(args, null);
    const messages = tenant.emulator.inspect.messages(MAILBOX);
    const names = messages.flatMap((m) => m.attachments.map((a) => a.name)).sort();
    // Before the fix: exit 0, and reconcile said "1 present, 0 missing", with 3 of the 6 attachments.
    expect(atKill).toBeGreaterThan(2);
    expect(messages).toHaveLength(1);
    expect(names).toEqual(Array.from({ length: ATTACHMENTS }, (_, i) => `part-${i}.bin`));
    expect(second.status).toBe(0);
  }, 120_000);
});
