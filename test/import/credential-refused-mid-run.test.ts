import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { message, writeZip } from '../helpers/make-zip.js';
import { runCli } from '../helpers/run-cli.js';
import { tenantEnv } from '../helpers/tenant.js';

/**
 * A client secret that expires in the middle of an estate's run (AADSTS7000222 when the token is renewed) is
 * refused for every mailbox: the run stops there, says so once, and starts no further mailbox. A re-run with a
 * new secret finishes the job, every message once.
 */
const MAILBOXES = ['ann', 'bob', 'cy', 'dee'].map((user) => `${user}@contoso.onmicrosoft.com`);

let emulator: Emulator;
let work: string;

beforeAll(async () => {
  // A token lives a second, so the import renews it while it runs.
  emulator = await startEmulator({ mailboxes: MAILBOXES, tokenLifetimeSeconds: 1, latencyMs: { min: 30, max: 60 } });
  work = mkdtempSync(join(tmpdir(), 'eml-import-credential-refused-'));
});

afterAll(async () => {
  await emulator?.close();
});

function subjects(mailbox: string): string[] {
  return emulator.inspect.messages(mailbox).map((m) => m.subject);
}

describe('a client secret that expires mid-run', () => {
  it('stops the run once, starts no further mailbox, and a re-run with a new secret puts every message in once', async () => {
    const rows = ['zip,mailbox'];
    const zips: string[] = [];
    for (const mailbox of MAILBOXES) {
      const user = mailbox.split('@')[0] as string;
      const zip = await writeZip(
        join(work, `${user}.zip`),
        Array.from({ length: 10 }, (_, i) => ({ name: `Inbox/${i}.eml`, content: message({ subject: `${user} ${i}`, messageId: `<${user}-${i}@x>` }) })),
      );
      zips.push(zip);
      rows.push(`${zip},${mailbox}`);
    }
    writeFileSync(join(work, 'map.csv'), `${rows.join('\n')}\n`);
    const args = [...zips, '--map', join(work, 'map.csv'), '--tenant', emulator.tenant, '--client-id', emulator.clientId, '--authority-host', emulator.url, '--graph-url', emulator.url];
    const common = ['--state', join(work, 'state'), '--parallel', '1', '--no-progress'];

    // The secret expires once the first mailbox has a few messages in.
    const timer = setInterval(() => {
      if (MAILBOXES.some((m) => subjects(m).length >= 3)) {
        emulator.configure({ quirks: { secretExpired: true } });
        clearInterval(timer);
      }
    }, 5);
    const first = await runCli([...args, ...common], tenantEnv(emulator));
    clearInterval(timer);
    expect(first.status, first.stderr).toBe(2);
    expect(first.stderr.match(/AADSTS7000222/g), first.stderr).toHaveLength(1);
    // One mailbox was under way; none was started after the secret was refused.
    const touched = MAILBOXES.filter((m) => emulator.inspect.requests().some((r) => r.path.includes(`/users/${encodeURIComponent(m)}/mailFolders/`) && r.method === 'POST'));
    expect(touched).toHaveLength(1);

    emulator.configure({ quirks: {} });
    const again = await runCli([...args, ...common], tenantEnv(emulator));
    expect(again.status, again.stderr).toBe(0);
    for (const mailbox of MAILBOXES) {
      const got = subjects(mailbox);
      expect(got).toHaveLength(10);
      expect(new Set(got).size).toBe(10);
    }
  });
});
