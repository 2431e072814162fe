/**
 * Errors real S3 gives that the tool must not take for broken zips: an SSE-KMS key disabled or pending
 * deletion (400 KMS.*), an object in an archive storage class (403 InvalidObjectState). The HEAD before
 * the run goes through for both (HEAD needs neither the key nor a restore); every GET fails.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { message, writeZip } from '../helpers/make-zip.js';
import { runCli } from '../helpers/run-cli.js';
import { tenantArgs, tenantEnv } from '../helpers/tenant.js';
import type { Fault } from './s3-server.js';
import { forgetS3Heads } from '../../src/source/s3/s3-object.js';
import { serveS3 } from './serve-s3.js';
import { setEnvironment } from '../helpers/environment.js';

const MAILBOX = 'ann@contoso.onmicrosoft.com';
const server = serveS3(async (started) => {
  await started.createBucket('exports');
});
let work: string;
let restore = (): void => undefined;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'eml-import-s3real-'));
  writeFileSync(join(work, 'aws-config'), '');
  restore = setEnvironment({ AWS_CONFIG_FILE: join(work, 'aws-config'), AWS_SHARED_CREDENTIALS_FILE: join(work, 'aws-credentials') });
});

afterAll(() => restore());

const s3 = (): string[] => ['--s3-endpoint', server().endpoint];

describe('real S3 errors on GET after a good HEAD', () => {
  const cases: { fault: Fault; sentence: RegExp }[] = [
    { fault: 'kms-disabled', sentence: /the AWS KMS key that encrypts this object \(SSE-KMS\) cannot be used \(KMS\.DisabledException\): enable the key/ },
    { fault: 'kms-invalid-state', sentence: /cannot be used \(KMS\.KMSInvalidStateException\)/ },
    { fault: 'invalid-object-state', sentence: /the object is in an archive storage class .* must be restored/ },
  ];
  for (const { fault, sentence } of cases) {
    it(`${fault}: no message recorded unreadable, the sentence says why, the next run imports them all`, async () => {
      const emulator: Emulator = await startEmulator({ mailboxes: [MAILBOX] });
      try {
        const zip = await writeZip(
          join(work, `${fault}.zip`),
          Array.from({ length: 6 }, (_, i) => ({ name: `export/Inbox/${i}.eml`, content: message({ subject: `${fault} ${i}`, messageId: `<${fault}${i}@x>` }) })),
        );
        await server().put('exports', `${fault}/bob.zip`, readFileSync(zip));
        const state = join(work, `state-${fault}`);
        const args = [`s3://exports/${fault}/bob.zip`, ...tenantArgs(emulator, MAILBOX), '--state', state, '--json', '--no-progress', ...s3()];
        server().faults = [{ method: 'GET', pathIncludes: `${fault}/bob`, fault, times: Infinity }];
        const first = await runCli(args, tenantEnv(emulator));
        server().faults = [];
        expect(emulator.inspect.messages(MAILBOX)).toEqual([]);

        forgetS3Heads();
        server().resetCounts();
        const second = await runCli(args, tenantEnv(emulator));
        expect(emulator.inspect.messages(MAILBOX).map((m) => m.subject).sort()).toEqual(Array.from({ length: 6 }, (_, i) => `${fault} ${i}`));
        expect(second.status, second.stderr).toBe(0);
        expect(first.status, first.stderr).toBe(1);
        expect(first.stderr).toMatch(sentence);
        expect(first.stderr).not.toContain('access denied');
        expect(JSON.parse(first.stdout || '{"totals":{"unreadable":0}}').totals.unreadable).toBe(0);
      } finally {
        await emulator.close();
      }
    });
  }

  it('an object HEAD says is archived (GLACIER, DEEP_ARCHIVE) stops the run before any write, exit 2, saying to restore it', async () => {
    await server().put('exports', 'archived/deep.zip', Buffer.from('PK\u0005\u0006' + '\u0000'.repeat(18), 'latin1'));
    server().storageClasses.set('archived/deep', 'DEEP_ARCHIVE');
    try {
      const run = await runCli(['s3://exports/archived/deep.zip', '--dry-run', '--no-progress', ...s3()]);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain('s3://exports/archived/deep.zip: the object is in an archive storage class');
      expect(server().gets()).toEqual([]);
    } finally {
      server().storageClasses.clear();
    }
  });

  it("a glob such as prefix/* does not name the 'folder' object prefix/ that the S3 console writes", async () => {
    const zip = await writeZip(join(work, 'folder.zip'), [{ name: 'export/Inbox/1.eml', content: message({ subject: 'In a folder', messageId: '<f1@x>' }) }]);
    await server().put('exports', 'folder/', Buffer.alloc(0));
    await server().put('exports', 'folder/ann.zip', readFileSync(zip));
    const run = await runCli(['s3://exports/folder/*', '--dry-run', '--json', '--no-progress', ...s3()]);
    expect(run.stderr).not.toContain('not a zip file');
    expect(run.status, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as { zips: { path: string }[] }).zips.map((z) => z.path)).toEqual(['s3://exports/folder/ann.zip']);
  });
});
