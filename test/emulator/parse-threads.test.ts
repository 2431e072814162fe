import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphFor } from './clients.js';
import { startEmulator, type Emulator } from './index.js';
import { MimeSummaryPool } from './mime-summary-pool.js';
import { summariseMime } from './mime-summary.js';
import { CORPUS, corpusPresent, loadCorpus } from '../corpus/corpus.js';

const ANN = 'ann@contoso.onmicrosoft.com';

const WITH_ATTACHMENT = Buffer.from(
  [
    'From: =?ISO-8859-1?Q?J=F6rg?= <jorg@example.com>',
    'To: ann@contoso.onmicrosoft.com, "Bob" <bob@example.com>',
    'Subject: =?UTF-8?B?UmVwb3J0IMOcYmVyc2ljaHQ=?=',
    'Date: Tue, 3 Mar 2015 09:10:11 +0100',
    'Message-ID: <report-1@example.com>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<p>See <b>attached</b>.</p>',
    '--b1',
    'Content-Type: application/pdf; name="r.pdf"',
    'Content-Disposition: attachment; filename="r.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from('%PDF-1.4 not really').toString('base64'),
    '--b1--',
    '',
  ].join('\r\n'),
);

if (!corpusPresent) console.warn(`parse-threads corpus comparison skipped: ${CORPUS} is absent`);

describe('MIME parsing on worker threads', () => {
  let pool: MimeSummaryPool;
  beforeAll(() => {
    pool = new MimeSummaryPool(2);
  });
  afterAll(async () => {
    await pool.close();
  });

  it('summarises as the server thread does, attachments as Buffers', async () => {
    const summary = await pool.summarise(WITH_ATTACHMENT);
    expect(summary).toEqual(await summariseMime(WITH_ATTACHMENT));
    expect(summary.subject).toBe('Report Übersicht');
    expect(Buffer.isBuffer(summary.attachments[0]?.content)).toBe(true);
    expect(summary.attachments[0]?.content.toString()).toBe('%PDF-1.4 not really');
  });

  it.skipIf(!corpusPresent)('summarises every tenth corpus message as the server thread does', async () => {
    const sample = loadCorpus().filter((_, i) => i % 10 === 0);
    expect(sample.length).toBeGreaterThan(100);
    const threaded = await Promise.all(sample.map((m) => pool.summarise(m.bytes)));
    for (const [i, message] of sample.entries()) expect(threaded[i], message.name).toEqual(await summariseMime(message.bytes));
  });
});

describe('an emulator with parse threads', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ parseThreads: 2 });
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('creates an importMime message from the worker-parsed summary', async () => {
    const graph = graphFor(emulator);
    const created = (await graph.api(`/users/${ANN}/mailFolders/inbox/importMime`).version('beta').header('Content-Type', 'text/plain').post(WITH_ATTACHMENT.toString('base64'))) as {
      subject: string;
      hasAttachments: boolean;
      isDraft: boolean;
      from: { emailAddress: { address: string } };
    };
    expect(created).toMatchObject({ subject: 'Report Übersicht', hasAttachments: true, isDraft: false, from: { emailAddress: { address: 'jorg@example.com' } } });
    const [stored] = emulator.inspect.messages(ANN);
    expect(stored?.attachments.map((a) => [a.name, a.size])).toEqual([['r.pdf', 19]]);
  });
});
