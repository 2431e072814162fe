import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fingerprint } from '../../src/message/fingerprint.js';
import { listCandidates, openKeysOf } from '../../src/run/import/destination-inventory.js';
import type { DestinationMessage } from '../../src/destination/types.js';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { message, writeZip } from '../helpers/make-zip.js';
import { runCli } from '../helpers/run-cli.js';
import { tenantArgs, tenantEnv } from '../helpers/tenant.js';

const ANN = 'ann@contoso.onmicrosoft.com';

function listed(n: number, make: (i: number) => Partial<DestinationMessage>): DestinationMessage[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `AAMk-${i}`,
    subject: `Unrelated ${i}`,
    sentDateTime: '2024-03-01T10:00:00Z',
    receivedDateTime: '2024-03-01T10:00:05Z',
    internetMessageId: `<unrelated-${i}@x>`,
    isDraft: false,
    importFingerprint: null,
    ...make(i),
  }));
}

async function* pages(messages: readonly DestinationMessage[]): AsyncIterable<DestinationMessage> {
  yield* messages;
}

describe('what the import keeps of a folder’s listing', () => {
  it('keeps only the messages an open row could pair with, however many the folder holds', async () => {
    const open = [
      { fingerprint: fingerprint('Budget', new Date('2024-01-05T09:00:00Z')), messageId: '<budget@x>', subject: 'Budget' },
      { fingerprint: fingerprint('Undated note', null), messageId: null, subject: 'Undated note' },
      { fingerprint: fingerprint('Lunch', new Date('2024-02-01T12:00:00Z')), messageId: 'lunch@x', subject: 'Lunch' },
    ];
    const related = listed(1, () => ({ id: 'same-fingerprint', subject: 'Budget', sentDateTime: '2024-01-05T09:00:00Z', internetMessageId: null }))
      .concat(listed(1, () => ({ id: 'same-message-id', subject: 'Re: something else', internetMessageId: '<lunch@x>' })))
      .concat(listed(1, () => ({ id: 'same-subject', subject: '  Undated   note ', sentDateTime: '2025-06-01T00:00:00Z' })))
      .concat(listed(1, () => ({ id: 'a-draft-of-it', subject: 'Budget', isDraft: true })));
    const folder = [...listed(5000, () => ({})), ...related, ...listed(5000, (i) => ({ id: `AAMk-b${i}`, internetMessageId: `<b${i}@x>` }))];
    const { candidates, listed: count } = await listCandidates(pages(folder), openKeysOf(open));
    expect(count).toBe(10_004);
    // Drafts are kept too: a re-check must not take one for the copy of an unanswered create.
    expect(candidates.map((m) => m.id)).toEqual(['same-fingerprint', 'same-message-id', 'same-subject', 'a-draft-of-it']);
  });

  it('keeps nothing of a folder when no row is open (a re-run of a folder already imported)', async () => {
    const { candidates, listed: count } = await listCandidates(pages(listed(20_000, () => ({}))), openKeysOf([]));
    expect(count).toBe(20_000);
    expect(candidates).toEqual([]);
  });
});

describe('import into a folder that already holds many other messages', () => {
  let emulator: Emulator;
  let work: string;

  beforeAll(async () => {
    emulator = await startEmulator({ mailboxes: [ANN] });
    work = mkdtempSync(join(tmpdir(), 'eml-import-bounded-'));
  });
  afterAll(async () => {
    await emulator?.close();
  });

  it('settles a copy already there as present, uploads the rest once, and leaves the others alone', async () => {
    const already = message({ subject: 'Already here', messageId: '<here@x>' });
    for (let i = 0; i < 150; i++) await emulator.addMessage(ANN, 'Inbox', { mime: Buffer.from(message({ subject: `Other ${i}`, messageId: `<other-${i}@x>` })), method: 'importMime' });
    await emulator.addMessage(ANN, 'Inbox', { mime: Buffer.from(already), method: 'importMime' });
    const zip = await writeZip(join(work, 'ann.zip'), [
      { name: 'export-1/Inbox/1.eml', content: already },
      { name: 'export-1/Inbox/2.eml', content: message({ subject: 'New one', messageId: '<new@x>' }) },
      // The subject of one already there, another day and Message-ID: a candidate, yet not the same message.
      { name: 'export-1/Inbox/3.eml', content: message({ subject: 'Other 7', date: 'Tue, 5 Mar 2024 11:00:00 +0000', messageId: '<not-other-7@x>' }) },
    ]);
    const run = await runCli([zip, ...tenantArgs(emulator, ANN), '--state', join(work, 'state'), '--json', '--no-progress'], tenantEnv(emulator));
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain('151 already in the folder, 2 to upload');
    expect(JSON.parse(run.stdout).totals).toMatchObject({ alreadyPresent: 1, imported: 2, failed: 0 });
    const inbox = emulator.inspect.messages(ANN).filter((m) => m.folderPath === 'Inbox');
    expect(inbox).toHaveLength(153);
    expect(inbox.filter((m) => m.subject === 'Already here')).toHaveLength(1);
    expect(inbox.filter((m) => m.subject === 'Other 7')).toHaveLength(2);
  });
});
