/**
 * The Graph client against a Graph server that answers as Graph's documentation allows but our emulator
 * did not: gzip answers (also on a 204), listings whose nextLink stops advancing, error codes in another
 * letter case. Each quirk is off by default in the emulator (options.ts says where it is documented).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ANN, startHarness, type Harness } from './mailbox-harness.js';
import { buildMime } from './mailbox-mime.js';
import { summarizeMessage } from '../../src/message/summarize.js';
import { collectAll } from '../../src/destination/graph/paging.js';
import type { EmulatorOptions } from '../emulator/index.js';

const running: Harness[] = [];
afterEach(async () => Promise.all(running.splice(0).map((harness) => harness.close())));

async function harnessWith(options: EmulatorOptions, http = {}): Promise<Harness> {
  const harness = await startHarness({ mailboxes: [ANN], ...options }, { backoff: { baseMs: 5, capMs: 20 }, ...http });
  running.push(harness);
  return harness;
}

function message(n: number): Buffer {
  return buildMime({ subject: `wire ${n}`, date: 'Mon, 11 Mar 2024 10:00:00 +0000', messageId: `<wire-${n}@example.com>` });
}

describe('wire quirks a real Graph server may have', () => {
  it('gzip answers are decoded: a listing and an importMime create', async () => {
    const harness = await harnessWith({ quirks: { gzipAnswers: true, pageSize: 2 } });
    const mailbox = harness.mailbox();
    const folder = await mailbox.ensureFolder(['Inbox', 'Gz']);
    for (let n = 0; n < 5; n++) {
      const mime = message(n);
      await mailbox.upload({ folder, mime, method: 'importMime', fingerprint: summarizeMessage(mime).fingerprint });
    }
    const listed = [];
    for await (const m of mailbox.listMessages(folder)) listed.push(m);
    expect(listed).toHaveLength(5);
  });

  it('a 204 that names its content coding (gzip) with no content is a success, not a failed request', async () => {
    const harness = await harnessWith({ quirks: { gzipAnswers: 'label-empty' } }, { maxAttempts: 2 });
    const mailbox = harness.mailbox();
    const folder = await mailbox.ensureFolder(['Inbox']);
    const mime = message(1);
    const { id } = await mailbox.upload({ folder, mime, method: 'importMime', fingerprint: summarizeMessage(mime).fingerprint });
    const answer = await harness.http.request(ANN, { method: 'DELETE', path: `/users/${ANN}/messages/${encodeURIComponent(id)}` });
    expect(answer.status).toBe(204);
  });

  it('a listing whose nextLink stops advancing ends with an error instead of reading the same page forever', async () => {
    const harness = await harnessWith({ quirks: { stuckNextLink: true } });
    const mailbox = harness.mailbox();
    const folder = await mailbox.ensureFolder(['Inbox']);
    for (let n = 0; n < 5; n++) {
      const mime = message(n);
      await mailbox.upload({ folder, mime, method: 'importMime', fingerprint: summarizeMessage(mime).fingerprint });
    }
    const path = `/users/${ANN}/mailFolders/${encodeURIComponent(folder.id)}/messages?$select=id&$top=2`;
    let requests = 0;
    const counting = { request: (mb: string, r: Parameters<Harness['http']['request']>[1]) => { requests++; if (requests > 50) throw new Error('still paging after 50 pages'); return harness.http.request(mb, r); } };
    const outcome = await collectAll(counting as never, ANN, path).catch((error: unknown) => error);
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as Error).message).not.toMatch(/still paging after 50 pages/);
    expect(requests).toBeLessThanOrEqual(3);
  });

  it('a folder create that loses a race is answered errorFolderExists (lower case) and the existing folder is used', async () => {
    const harness = await harnessWith({ quirks: { lowerCaseErrorCodes: true } });
    const mailbox = harness.mailbox();
    expect(await mailbox.findFolder(['Raced'])).toBeNull(); // the root's children are listed now, without 'Raced'
    // Another client (or an earlier run's folder create whose answer was lost) makes it in between.
    const root = await harness.http.request<{ id: string }>(ANN, { method: 'GET', path: `/users/${ANN}/mailFolders/msgfolderroot` });
    await harness.http.request(ANN, { method: 'POST', path: `/users/${ANN}/mailFolders/${encodeURIComponent(root.body.id)}/childFolders`, body: { displayName: 'Raced' } });
    const folder = await mailbox.ensureFolder(['Raced']);
    expect(folder.path).toBe('Raced');
  });

  it('a MIME importMime cannot parse, answered errorMimeContentInvalid (lower case), still goes by the JSON path', async () => {
    const harness = await harnessWith({ quirks: { lowerCaseErrorCodes: true, invalidMimeMarker: 'X-Unparsable: yes' } });
    const mailbox = harness.mailbox();
    const folder = await mailbox.ensureFolder(['Inbox']);
    const mime = Buffer.from(message(9).toString('latin1').replace('Subject:', 'X-Unparsable: yes\r\nSubject:'), 'latin1');
    const result = await mailbox.upload({ folder, mime, method: 'importMime', fingerprint: summarizeMessage(mime).fingerprint });
    expect(result.method).toBe('json');
  });

  it('a full mailbox answered errorQuotaExceeded (lower case) is that mailbox\'s stop, named full, not an app-wide refusal', async () => {
    const harness = await harnessWith({ quirks: { lowerCaseErrorCodes: true } });
    const mailbox = harness.mailbox();
    const folder = await mailbox.ensureFolder(['Inbox']);
    harness.emulator.configure({ quirks: { lowerCaseErrorCodes: true, mailboxStates: { [ANN]: 'quota-exceeded' } } });
    const mime = message(3);
    const error = (await mailbox.upload({ folder, mime, method: 'importMime', fingerprint: summarizeMessage(mime).fingerprint }).catch((e: unknown) => e)) as { code?: string; message: string };
    // import-mailbox.ts isTenantWide: a 403 other than ErrorQuotaExceeded stops every mailbox of the run.
    expect(error.code).toBe('ErrorQuotaExceeded');
    expect(error.message).toMatch(/full/i);
  });
});
