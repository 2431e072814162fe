import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FINGERPRINT_PROPERTY_ID } from '../../src/destination/graph/named-property.js';
import { NoRetryError } from '../../src/accounting/errors.js';
import { PartialUploadError, PendingCreateError } from '../../src/destination/graph/upload-errors.js';
import type { FaultKind } from '../emulator/faults.js';
import type { FolderRef, MailboxDestination } from '../../src/destination/types.js';
import { summarizeMessage } from '../../src/message/summarize.js';
import { buildMime } from './mailbox-mime.js';
import { ANN, startHarness, type Harness } from './mailbox-harness.js';

function property(properties: { id: string; value: string }[], id: string): string | undefined {
  return properties.find((p) => p.id.replace(/\s+/g, ' ').toLowerCase() === id.toLowerCase())?.value;
}

function hintOf(mime: Buffer): { subject: string; date: Date | null; messageId: string | null; fingerprint: string } {
  const s = summarizeMessage(mime);
  return { subject: s.subject, date: s.date, messageId: s.messageId, fingerprint: s.fingerprint };
}

describe('Graph destination uploads (emulator)', () => {
  let harness: Harness;
  let mailbox: MailboxDestination;
  let folder: FolderRef;
  beforeAll(async () => {
    harness = await startHarness();
    mailbox = harness.mailbox();
    folder = await mailbox.ensureFolder(['inbox', 'Imported']);
  });
  afterAll(async () => harness?.close());

  it('importMime puts the exact bytes into the folder as a non-draft', async () => {
    const mime = buildMime({ subject: '=?UTF-8?B?w5xiZXJzaWNodA==?= 1', date: 'Tue, 5 Mar 2024 11:00:00 +0100', messageId: '<im-1@example.com>' });
    const { fingerprint } = hintOf(mime);
    const result = await mailbox.upload({ folder, mime, method: 'importMime', fingerprint });
    expect(result.method).toBe('importMime');
    const [stored] = harness.emulator.inspect.messages(ANN, 'Inbox/Imported').filter((m) => m.id === result.id);
    expect(stored?.method).toBe('importMime');
    expect(stored?.isDraft).toBe(false);
    expect(stored?.folderId).toBe(folder.id);
    expect(stored?.mime?.equals(mime)).toBe(true);
    expect(stored?.subject).toBe('Übersicht 1');
  });

  it('the JSON path creates a non-draft with both dates, the Message-ID, the fingerprint and attachments', async () => {
    const png = randomBytes(2048);
    const pdf = randomBytes(10_000);
    const mime = buildMime({
      subject: 'JSON path',
      date: 'Wed, 6 Mar 2024 08:00:00 +0000',
      received: 'Wed, 6 Mar 2024 08:01:30 +0000',
      messageId: '<json-1@example.com>',
      html: '<p>see <img src="cid:logo@x"></p>',
      attachments: [
        { name: 'logo.png', contentType: 'image/png', content: png, contentId: 'logo@x' },
        { name: 'report.pdf', contentType: 'application/pdf', content: pdf },
      ],
    });
    const { fingerprint } = hintOf(mime);
    const result = await mailbox.upload({ folder, mime, method: 'json', fingerprint });
    expect(result.method).toBe('json');
    const stored = harness.emulator.inspect.messages(ANN, 'Inbox/Imported').find((m) => m.id === result.id);
    expect(stored?.method).toBe('json');
    expect(stored?.isDraft).toBe(false);
    expect(stored?.isRead).toBe(true);
    expect(stored?.sentDateTime).toBe('2024-03-06T08:00:00Z');
    expect(stored?.receivedDateTime).toBe('2024-03-06T08:01:30Z');
    expect(stored?.internetMessageId).toBe('<json-1@example.com>');
    expect(property(stored?.extendedProperties ?? [], FINGERPRINT_PROPERTY_ID)).toBe(fingerprint);
    expect(stored?.attachments.map((a) => [a.name, a.isInline]).sort()).toEqual([
      ['logo.png', true],
      ['report.pdf', false],
    ]);
  });

  // issue 11: the server and eml-import must read an odd Date header alike on both paths, or the fingerprint
  // of what was created does not match the next run's, and a message is sent twice after a crash
  it.each(['importMime', 'json'] as const)('%s: the stored sentDateTime is the date the fingerprint was built from, for odd Date headers', async (method) => {
    const dates = ['Mon, 27 May 2002 10:28:3 +0200', 'Mon, 27 May 2002 10:28:03 +-0500', 'Mon, 27 May 2002 10:28:03 W. Europe Standard Time', 'Wed 29 May 2019 06:09:22 PM EDT'];
    for (const [i, date] of dates.entries()) {
      const mime = buildMime({ subject: `odd date ${method} ${i}`, date, received: 'Mon, 27 May 2002 09:46:16 +0000' });
      const hint = hintOf(mime);
      const result = await mailbox.upload({ folder, mime, method, fingerprint: hint.fingerprint });
      const stored = harness.emulator.inspect.messages(ANN, 'Inbox/Imported').find((m) => m.id === result.id);
      expect(stored?.sentDateTime, date).toBe(hint.date?.toISOString().replace('.000Z', 'Z'));
    }
  });

  it('every message takes the JSON path with api v1.0', async () => {
    const v1 = harness.mailbox(ANN, { api: 'v1.0' });
    const mime = buildMime({ subject: 'v1 only', date: 'Thu, 7 Mar 2024 08:00:00 +0000' });
    const result = await v1.upload({ folder, mime, method: 'importMime', fingerprint: hintOf(mime).fingerprint });
    expect(result.method).toBe('json');
    expect(harness.emulator.inspect.messages(ANN).find((m) => m.id === result.id)?.method).toBe('json');
  });

  it('a message too large for importMime goes by JSON with its 3.5 MB attachment in several upload-session ranges', async () => {
    const big = randomBytes(3_500_000);
    const mime = buildMime({
      subject: 'large',
      date: 'Fri, 8 Mar 2024 09:00:00 +0000',
      messageId: '<large-1@example.com>',
      attachments: [{ name: 'big.bin', contentType: 'application/octet-stream', content: big }],
    });
    expect(mime.length).toBeGreaterThan(3 * 1024 * 1024);
    const putsBefore = harness.emulator.inspect.requests().filter((r) => r.method === 'PUT').length;
    const result = await mailbox.upload({ folder, mime, method: 'importMime', fingerprint: hintOf(mime).fingerprint });
    expect(result.method).toBe('json');
    const stored = harness.emulator.inspect.messages(ANN).find((m) => m.id === result.id);
    expect(stored?.isDraft).toBe(false);
    expect(stored?.attachments).toHaveLength(1);
    expect(stored?.attachments[0]?.name).toBe('big.bin');
    expect(stored?.attachments[0]?.size).toBeGreaterThanOrEqual(big.length);
    const puts = harness.emulator.inspect.requests().filter((r) => r.method === 'PUT').length - putsBefore;
    expect(puts).toBeGreaterThanOrEqual(2);
  });

  it('findMessage finds messages of both kinds', async () => {
    const viaMime = buildMime({ subject: 'find me mime', date: 'Sat, 9 Mar 2024 10:00:00 +0000', messageId: "<o'find-1@example.com>" });
    const viaJson = buildMime({ subject: 'find me json', date: 'Sat, 9 Mar 2024 10:00:00 +0000', messageId: '<find-2@example.com>' });
    const noId = buildMime({ subject: 'find me no id', date: 'Sat, 9 Mar 2024 10:00:00 +0000' });
    const ids = new Map<Buffer, string>();
    for (const [mime, method] of [[viaMime, 'importMime'], [viaJson, 'json'], [noId, 'importMime']] as const) {
      ids.set(mime, (await mailbox.upload({ folder, mime, method, fingerprint: hintOf(mime).fingerprint })).id);
    }
    for (const mime of [viaMime, viaJson, noId]) {
      const { fingerprint, ...hint } = hintOf(mime);
      const found = await harness.mailbox().findMessage(folder, fingerprint, hint);
      expect(found.map((m) => m.id), hint.subject).toEqual([ids.get(mime)]);
    }
    const { fingerprint: _unused, ...hint } = hintOf(viaJson);
    expect(await mailbox.findMessage(folder, 'f'.repeat(64), { ...hint, messageId: '<absent@example.com>' })).toEqual([]);
  });

  // A subject or Message-ID too long for a URL (flanker's long-header.eml has a 130,000-character subject):
  // the lookup after an unanswered create was refused (431 here, 400 or 414 at Graph) and the message failed.
  it('findMessage looks for a message whose subject or Message-ID is too long for a URL by reading the folder', async () => {
    const longFolder = await mailbox.ensureFolder(['inbox', 'Long subjects']);
    const words = 'Die heiße Zypernsonne quälte Max und Victoria ja böse auf dem Weg bis zur Küste '.repeat(300).trim();
    const bytes = Buffer.from(words);
    const encodedWords: string[] = [];
    for (let at = 0; at < bytes.length; at += 30) encodedWords.push(`=?utf-8?q?${bytes.subarray(at, at + 30).toString('hex').replace(/(..)/g, '=$1').toUpperCase()}?=`);
    const undated = buildMime({ subject: encodedWords.join('\r\n ') });
    const longId = buildMime({ subject: 'short subject, long id', date: 'Sun, 10 Mar 2024 10:00:00 +0000', messageId: `<${'x'.repeat(5000)}@example.com>` });
    const other = buildMime({ subject: 'a neighbour', date: 'Sun, 10 Mar 2024 10:00:00 +0000' });
    const ids = new Map<Buffer, string>();
    for (const mime of [other, undated, longId]) ids.set(mime, (await mailbox.upload({ folder: longFolder, mime, method: 'importMime', fingerprint: hintOf(mime).fingerprint })).id);
    const requestsBefore = harness.emulator.inspect.requests().length;
    for (const mime of [undated, longId]) {
      const { fingerprint, ...hint } = hintOf(mime);
      expect(hint.subject.length + (hint.messageId?.length ?? 0)).toBeGreaterThan(4000);
      expect((await mailbox.findMessage(longFolder, fingerprint, hint)).map((m) => m.id)).toEqual([ids.get(mime)]);
    }
    const sent = harness.emulator.inspect.requests().slice(requestsBefore);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.filter((r) => r.status >= 400)).toEqual([]);
    // Absent, it is reported absent (and then sent again), not failed.
    const { fingerprint: _f, ...hint } = hintOf(undated);
    expect(await mailbox.findMessage(folder, 'f'.repeat(64), hint)).toEqual([]);
  });

  /** Uploads under a one-off fault; the upload must end in PendingCreateError, never a silent resend. */
  async function uploadUnanswered(mime: Buffer, method: 'json' | 'importMime', fault: FaultKind, path: RegExp, into: FolderRef = folder): Promise<PendingCreateError> {
    harness.emulator.configure({ faults: { schedule: [{ kind: fault, nth: 1, method: 'POST', path }] } });
    try {
      const error = await mailbox.upload({ folder: into, mime, method, fingerprint: hintOf(mime).fingerprint }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PendingCreateError);
      expect(harness.emulator.inspect.faultsInjected().some((f) => f.kind === fault)).toBe(true);
      return error as PendingCreateError;
    } finally {
      harness.emulator.configure({ faults: {} });
    }
  }

  it('an ambiguous JSON create (504 after commit) is not sent again; confirmCreate finds the one it made', async () => {
    const mime = buildMime({ subject: 'ambiguous json', date: 'Sun, 10 Mar 2024 10:00:00 +0000' });
    const pending = await uploadUnanswered(mime, 'json', '504-after-commit', /mailFolders\/[^/]+\/messages$/);
    expect(pending.method).toBe('json');
    const { fingerprint, ...hint } = hintOf(mime);
    const landed = await mailbox.confirmCreate({ folder, mime, method: 'json', fingerprint }, 'json', hint, new Set());
    const copies = harness.emulator.inspect.messages(ANN).filter((m) => m.subject === 'ambiguous json');
    expect(copies.map((m) => m.id)).toEqual([landed?.id]);
  });

  it('confirmCreate finds nothing when the ambiguous failure happened before commit, so it is safe to send again', async () => {
    const mime = buildMime({ subject: 'reset json', date: 'Sun, 10 Mar 2024 11:00:00 +0000' });
    await uploadUnanswered(mime, 'json', 'reset-before-commit', /mailFolders\/[^/]+\/messages$/);
    const { fingerprint, ...hint } = hintOf(mime);
    expect(await mailbox.confirmCreate({ folder, mime, method: 'json', fingerprint }, 'json', hint, new Set())).toBeNull();
    expect(harness.emulator.inspect.messages(ANN).filter((m) => m.subject === 'reset json')).toHaveLength(0);
  });

  it('an ambiguous importMime create: confirmCreate passes over a copy that was there before (claimed) and finds ours', async () => {
    const mime = buildMime({ subject: 'ambiguous mime', date: 'Sun, 10 Mar 2024 12:00:00 +0000', messageId: '<amb-mime@example.com>' });
    const earlier = await mailbox.upload({ folder, mime, method: 'importMime', fingerprint: hintOf(mime).fingerprint });
    await uploadUnanswered(mime, 'importMime', '504-after-commit', /importMime$/);
    const { fingerprint, ...hint } = hintOf(mime);
    const landed = await mailbox.confirmCreate({ folder, mime, method: 'importMime', fingerprint }, 'importMime', hint, new Set([earlier.id]));
    const copies = harness.emulator.inspect.messages(ANN).filter((m) => m.subject === 'ambiguous mime').map((m) => m.id);
    expect(copies).toHaveLength(2);
    expect(landed?.id).toBe(copies.find((id) => id !== earlier.id));
    expect(await mailbox.confirmCreate({ folder, mime, method: 'importMime', fingerprint }, 'importMime', hint, new Set(copies))).toBeNull();
  });

  it("confirmCreate of a message with neither date nor Message-ID passes over a look-alike's copy whose Message-ID another message carries", async () => {
    // The corpus kill test, seed 23: two messages without a subject, one dated and with a Message-ID, one
    // with neither; both left in flight by a kill, the first landed, the second not. Found by its empty
    // subject alone, the first's copy was taken for the second's.
    const subject = 'no subject here, in a folder of its own';
    const other = await mailbox.ensureFolder(['inbox', 'Look-alikes']);
    const dated = buildMime({ subject, date: 'Wed, 12 Jan 2005 08:08:12 +0100', messageId: '102.10200000000105' });
    const bare = buildMime({ subject });
    const theirs = await mailbox.upload({ folder: other, mime: dated, method: 'importMime', fingerprint: hintOf(dated).fingerprint });
    const { fingerprint, ...hint } = hintOf(bare);
    expect(hint).toMatchObject({ date: null, messageId: null });
    const nothingClaimed = { has: () => false };
    const carried = { ...nothingClaimed, carriedByAnother: (id: string) => id.replace(/^<|>$/g, '') === '102.10200000000105' };
    // Without knowing whose Message-ID that is, the look-alike's copy matches the subject.
    expect((await mailbox.confirmCreate({ folder: other, mime: bare, method: 'importMime', fingerprint }, 'importMime', hint, nothingClaimed))?.id).toBe(theirs.id);
    expect(await mailbox.confirmCreate({ folder: other, mime: bare, method: 'importMime', fingerprint }, 'importMime', hint, carried)).toBeNull();
    // Its own copy, which Exchange gave an id of its own, is still found.
    await uploadUnanswered(bare, 'importMime', '504-after-commit', /importMime$/, other);
    const own = harness.emulator.inspect.messages(ANN, 'Inbox/Look-alikes').find((m) => m.id !== theirs.id);
    expect((await mailbox.confirmCreate({ folder: other, mime: bare, method: 'importMime', fingerprint }, 'importMime', hint, carried))?.id).toBe(own?.id);
  });

  it('an ambiguous create of a message whose Message-ID has no angle brackets is found, not sent again', async () => {
    // The emulator, like Exchange's readers, stores `Message-ID: 00220` as `<00220>` (seen in the corpus kill soak).
    const mime = buildMime({ subject: '06.07.2015', date: 'Mon, 06 Jul 2015 08:35:56 +0000', messageId: '00220' });
    await uploadUnanswered(mime, 'importMime', 'reset-after-commit', /importMime$/);
    const { fingerprint, ...hint } = hintOf(mime);
    expect(hint.messageId).toBe('00220');
    const landed = await mailbox.confirmCreate({ folder, mime, method: 'importMime', fingerprint }, 'importMime', hint, new Set());
    const copies = harness.emulator.inspect.messages(ANN).filter((m) => m.subject === '06.07.2015');
    expect(copies.map((m) => m.internetMessageId)).toEqual(['<00220>']);
    expect(landed?.id).toBe(copies[0]?.id);
  });

  it('finds a message without Message-ID by its subject when the destination dated it differently', async () => {
    const mime = buildMime({ subject: 'dated otherwise', date: 'Sun, 10 Mar 2024 13:00:00 +0000' });
    const made = await mailbox.upload({ folder, mime, method: 'importMime', fingerprint: hintOf(mime).fingerprint });
    const { fingerprint: _fp, ...hint } = hintOf(mime);
    const ourReading = { ...hint, date: new Date('2024-03-10T12:18:03Z') };
    const found = await mailbox.findMessage(folder, 'f'.repeat(64), ourReading);
    expect(found.map((m) => m.id)).toEqual([made.id]);
  });
});

describe('Graph destination attachment failures (emulator)', () => {
  let harness: Harness;
  let folder: FolderRef;
  beforeAll(async () => {
    // One attempt per request: every injected fault reaches our code instead of GraphHttp's retries.
    harness = await startHarness({}, { maxAttempts: 1 });
    folder = await harness.mailbox().ensureFolder(['inbox', 'Attachments']);
  });
  afterAll(async () => harness?.close());

  function twoAttachments(subject: string): Buffer {
    // The first rides in the create; the second no longer fits its 3 MB budget and is POSTed after.
    return buildMime({
      subject,
      date: 'Mon, 11 Mar 2024 10:00:00 +0000',
      attachments: [
        { name: 'one.bin', contentType: 'application/octet-stream', content: randomBytes(2_000_000) },
        { name: 'two.bin', contentType: 'application/octet-stream', content: randomBytes(2_000_000) },
      ],
    });
  }

  it('does not add an attachment twice when its POST failed after commit', async () => {
    const mime = twoAttachments('attachment 504');
    harness.emulator.configure({ faults: { schedule: [{ kind: '504-after-commit', nth: 1, method: 'POST', path: /\/attachments$/ }] } });
    const result = await harness.mailbox().upload({ folder, mime, method: 'json', fingerprint: hintOf(mime).fingerprint });
    harness.emulator.configure({ faults: {} });
    expect(harness.emulator.inspect.faultsInjected().some((f) => f.kind === '504-after-commit')).toBe(true);
    const stored = harness.emulator.inspect.messages(ANN).find((m) => m.id === result.id);
    expect(stored?.attachments.map((a) => a.name).sort()).toEqual(['one.bin', 'two.bin']);
  });

  it('sends an attachment again when its POST failed before commit', async () => {
    const mime = twoAttachments('attachment reset');
    harness.emulator.configure({ faults: { schedule: [{ kind: 'reset-before-commit', nth: 1, method: 'POST', path: /\/attachments$/ }] } });
    const result = await harness.mailbox().upload({ folder, mime, method: 'json', fingerprint: hintOf(mime).fingerprint });
    harness.emulator.configure({ faults: {} });
    expect(harness.emulator.inspect.faultsInjected().some((f) => f.kind === 'reset-before-commit' && f.path.endsWith('/attachments'))).toBe(true);
    const stored = harness.emulator.inspect.messages(ANN).find((m) => m.id === result.id);
    expect(stored?.attachments.map((a) => a.name).sort()).toEqual(['one.bin', 'two.bin']);
  });

  it('reports a message whose attachment could not be added with the id it was created under', async () => {
    const mime = buildMime({
      subject: 'attachment lost',
      date: 'Mon, 11 Mar 2024 11:00:00 +0000',
      attachments: [{ name: 'big.bin', contentType: 'application/octet-stream', content: randomBytes(3_300_000) }],
    });
    harness.emulator.configure({ faults: { schedule: [{ kind: '503', nth: 1, method: 'POST', path: /createUploadSession$/ }] } });
    const error = await harness.mailbox().upload({ folder, mime, method: 'json', fingerprint: hintOf(mime).fingerprint }).catch((e: unknown) => e);
    harness.emulator.configure({ faults: {} });
    expect(error).toBeInstanceOf(PartialUploadError);
    const partial = error as PartialUploadError;
    expect(harness.emulator.inspect.faultsInjected().some((f) => f.kind === '503' && f.path.endsWith('/createUploadSession'))).toBe(true);
    expect(partial.errorClass).toBe('no-retry');
    expect(partial.attachmentName).toBe('big.bin');
    expect([partial.attachmentsAdded, partial.attachmentsTotal]).toEqual([0, 1]);
    const stored = harness.emulator.inspect.messages(ANN).filter((m) => m.subject === 'attachment lost');
    expect(stored.map((m) => m.id)).toEqual([partial.createdId]);
    expect(stored[0]?.attachments).toEqual([]);
  });

  it('fails a message whose body alone exceeds the 4 MB request limit without creating anything', async () => {
    const mime = buildMime({ subject: 'huge body', date: 'Mon, 11 Mar 2024 12:00:00 +0000', text: 'x'.repeat(4_500_000) });
    const error = await harness.mailbox().upload({ folder, mime, method: 'json', fingerprint: hintOf(mime).fingerprint }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoRetryError);
    expect((error as NoRetryError).message).toMatch(/4194304-byte request limit: no run can import it through Graph/);
    expect(harness.emulator.inspect.messages(ANN).filter((m) => m.subject === 'huge body')).toEqual([]);
  });
});
