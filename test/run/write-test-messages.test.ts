import { describe, expect, it } from 'vitest';
import { chooseUploadMethod } from '../../src/policy/upload-method.js';
import { SMALL_ATTACHMENT_MAX_BYTES } from '../../src/destination/graph/limits.js';
import { summarizeMessage } from '../../src/message/summarize.js';
import { importMimeLimitBytes, writeTestMessages } from '../../src/run/write-test/test-messages.js';

describe("doctor's write-test messages", () => {
  const messages = writeTestMessages('ann@contoso.onmicrosoft.com', new Date('2026-12-06T10:00:00Z'), { importMime: true });
  const byLabel = new Map(messages.map((m) => [m.label, m]));

  it('sit on either side of the limits the import itself applies', () => {
    const atLimit = byLabel.get('importMime at the size limit')!;
    expect(chooseUploadMethod(atLimit.mime.length, 'beta')).toBe('importMime');
    expect(atLimit.mime.length).toBeGreaterThan(importMimeLimitBytes() - 4096);
    expect(chooseUploadMethod(atLimit.mime.length + 4096, 'beta')).toBe('json');
    const over = byLabel.get('JSON over the size limit')!;
    expect(chooseUploadMethod(over.mime.length, 'beta')).toBe('json');
    // Large enough that its attachment takes an upload session, not a POST.
    expect(over.attachmentBytes).toBeGreaterThanOrEqual(SMALL_ATTACHMENT_MAX_BYTES);
  });

  it('carry an encoded non-ASCII subject, a zoned Date and a Message-ID, as eml-import reads them', () => {
    for (const message of messages) {
      const summary = summarizeMessage(message.mime);
      expect(summary.subject).toContain('Grüße aus Zürich – 東京 ✓');
      expect(message.mime.toString('latin1')).toMatch(/^Subject: =\?UTF-8\?B\?/m);
      expect(summary.date?.toISOString()).toBe('2024-03-05T08:15:30.000Z');
      expect(summary.messageId).toMatch(/^<write-test\..+@eml-import\.invalid>$/);
    }
    expect(new Set(messages.map((m) => summarizeMessage(m.mime).messageId)).size).toBe(messages.length);
  });

  it('leave importMime out when the run will not use it', () => {
    const v1 = writeTestMessages('ann@contoso.onmicrosoft.com', new Date(), { importMime: false });
    expect(v1.map((m) => m.method)).toEqual(['json', 'json']);
  });
});
