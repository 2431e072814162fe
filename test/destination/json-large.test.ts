import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FolderRef } from '../../src/destination/types.js';
import { summarizeMessage } from '../../src/message/summarize.js';
import { buildMime } from './mailbox-mime.js';
import { ANN, startHarness, type Harness } from './mailbox-harness.js';

const fingerprintOf = (mime: Buffer): string => summarizeMessage(mime).fingerprint;

describe('JSON path, large attachments', () => {
  let harness: Harness;
  let folder: FolderRef;
  beforeAll(async () => {
    harness = await startHarness();
    folder = await harness.mailbox().ensureFolder(['inbox', 'Large']);
  });
  afterAll(async () => harness?.close());

  it('an attachment POST lost before commit is sent again though an attachment of the same name rode in the create', async () => {
    // The first scan.pdf fits in the create; the second (2.5 MB) does not and is POSTed after it.
    const mime = buildMime({
      subject: 'same names',
      date: 'Mon, 11 Mar 2024 09:00:00 +0000',
      attachments: [
        { name: 'scan.pdf', contentType: 'application/pdf', content: randomBytes(1_000_000) },
        { name: 'scan.pdf', contentType: 'application/pdf', content: randomBytes(2_500_000) },
      ],
    });
    harness.emulator.configure({ faults: { schedule: [{ kind: 'reset-before-commit', nth: 1, method: 'POST', path: /\/attachments$/ }] } });
    const result = await harness.mailbox().upload({ folder, mime, method: 'json', fingerprint: fingerprintOf(mime) });
    harness.emulator.configure({ faults: {} });
    expect(harness.emulator.inspect.faultsInjected().some((f) => f.kind === 'reset-before-commit' && f.path.endsWith('/attachments'))).toBe(true);
    const stored = harness.emulator.inspect.messages(ANN).find((m) => m.id === result.id);
    expect(stored?.attachments.map((a) => a.size).sort()).toEqual([1_000_000, 2_500_000]);
  });

  it('an upload session whose final answer was lost, with the attachment added, is a success', async () => {
    const mime = buildMime({
      subject: 'final answer lost',
      date: 'Mon, 11 Mar 2024 10:00:00 +0000',
      attachments: [{ name: 'big.bin', contentType: 'application/octet-stream', content: randomBytes(3_500_000) }],
    });
    harness.emulator.configure({ quirks: { loseFinalUploadAnswer: true } });
    const outcome = await harness.mailbox().upload({ folder, mime, method: 'json', fingerprint: fingerprintOf(mime) }).catch((e: unknown) => e);
    harness.emulator.configure({ quirks: {} });
    const stored = harness.emulator.inspect.messages(ANN).filter((m) => m.subject === 'final answer lost');
    expect(stored).toHaveLength(1);
    expect(stored[0]?.attachments.map((a) => a.name)).toEqual(['big.bin']);
    expect(outcome).toEqual({ id: stored[0]?.id, method: 'json' });
  });

  it('an attachment just under 3 MiB, whose POST body would pass 4 MiB, is added', async () => {
    const size = 3 * 1024 * 1024 - 40;
    const mime = buildMime({
      subject: 'just under 3 MiB',
      date: 'Mon, 11 Mar 2024 11:00:00 +0000',
      attachments: [{ name: 'edge.bin', contentType: 'application/octet-stream', content: randomBytes(size) }],
    });
    const outcome = await harness.mailbox().upload({ folder, mime, method: 'json', fingerprint: fingerprintOf(mime) }).catch((e: unknown) => e);
    const stored = harness.emulator.inspect.messages(ANN).filter((m) => m.subject === 'just under 3 MiB');
    expect(stored).toHaveLength(1);
    expect(stored[0]?.attachments.map((a) => a.size)).toEqual([size]);
    expect(outcome).toEqual({ id: stored[0]?.id, method: 'json' });
  });

  it('attachments either side of the POST/session boundary, with long non-ASCII names, are added', async () => {
    const name = `${'報告書'.repeat(60)}.bin`;
    const sizes = [2_999_999, 3_000_000];
    const mime = buildMime({
      subject: 'boundary',
      date: 'Mon, 11 Mar 2024 12:00:00 +0000',
      attachments: sizes.map((size) => ({ name, contentType: 'application/octet-stream', content: randomBytes(size) })),
    });
    const outcome = await harness.mailbox().upload({ folder, mime, method: 'json', fingerprint: fingerprintOf(mime) });
    const stored = harness.emulator.inspect.messages(ANN).find((m) => m.id === outcome.id);
    expect(stored?.attachments.map((a) => [a.name, a.size])).toEqual(sizes.map((size) => [name, size]));
  });
});
