import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANN, startHarness, type Harness } from './mailbox-harness.js';
import { buildMime } from './mailbox-mime.js';
import { summarizeMessage } from '../../src/message/summarize.js';

describe('looking in the online archive', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ mailboxes: [ANN], archives: [ANN] });
    harness.emulator.configure({ clients: { [harness.emulator.clientId]: { secret: harness.emulator.clientSecret, roles: ['Mail.ReadWrite', 'Mail-Advanced.ReadWrite.All', 'User.Read.All'] } } });
  });
  afterAll(async () => harness?.close());

  // A Message-ID too long for a URL was looked up all the same: Graph's front doors refuse such a URL
  // (400 or 414; this emulator only from 16 KB, with 431), and the reconcile that asked failed instead of
  // reporting the message missing. It is not asked for now, so it stays missing.
  it('finds archived messages by Message-ID, and leaves one whose Message-ID is too long for a URL missing without asking', async () => {
    const mailbox = harness.mailbox();
    const folder = await mailbox.ensureFolder(['inbox']);
    const longId = `<${'y'.repeat(5000)}@example.com>`;
    for (const messageId of ['<short@example.com>', longId]) {
      const mime = buildMime({ subject: `archived ${messageId.length}`, date: 'Mon, 11 Mar 2024 10:00:00 +0000', messageId });
      const created = await mailbox.upload({ folder, mime, method: 'importMime', fingerprint: summarizeMessage(mime).fingerprint });
      harness.emulator.archiveMessage(ANN, created.id);
    }
    const before = harness.emulator.inspect.requests().length;
    const lookup = await mailbox.findInArchive?.(['<short@example.com>', longId]);
    expect(lookup?.kind).toBe('archive');
    expect(lookup?.kind === 'archive' ? [...lookup.found] : []).toEqual(['<short@example.com>']);
    expect(harness.emulator.inspect.requests().slice(before).filter((r) => r.status >= 400)).toEqual([]);
  });
});
