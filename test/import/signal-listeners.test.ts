import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getEventListeners } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/commands/cli.js';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { message, writeZip } from '../helpers/make-zip.js';
import { tenantEnv } from '../helpers/tenant.js';

const MAILBOXES = Array.from({ length: 12 }, (_, i) => `user${i + 1}@contoso.onmicrosoft.com`);
let emulator: Emulator;
let work: string;

beforeAll(async () => {
  emulator = await startEmulator({ mailboxes: MAILBOXES });
  work = mkdtempSync(join(tmpdir(), 'eml-import-listeners-'));
});
afterAll(async () => {
  await emulator?.close();
});

describe('the run’s stop signal', () => {
  it('holds no listener of a mailbox once that mailbox is done, and 12 at once are no leak warning', async () => {
    const zips = await Promise.all(
      MAILBOXES.map((mailbox, i) => writeZip(join(work, `u${i}.zip`), [{ name: 'export-1/Inbox/1.eml', content: message({ subject: `For ${mailbox}`, messageId: `<${i}@x>` }) }])),
    );
    const map = join(work, 'map.csv');
    writeFileSync(map, `zip,mailbox\n${zips.map((zip, i) => `${zip},${MAILBOXES[i] as string}`).join('\n')}\n`);
    const stop = new AbortController();
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning.name);
    process.on('warning', onWarning);
    let stderr = '';
    const status = await main(
      [...zips, '--map', map, '--tenant', emulator.tenant, '--client-id', emulator.clientId, '--authority-host', emulator.url, '--graph-url', emulator.url, '--state', join(work, 'state'), '--parallel', '12', '--no-progress'],
      { stdout: { write: () => undefined }, stderr: { write: (s: string) => (stderr += s) }, env: { EML_IMPORT_TODAY: '2026-12-06', ...tenantEnv(emulator) }, signal: stop.signal },
    );
    process.off('warning', onWarning);
    expect(status, stderr).toBe(0);
    expect(warnings).not.toContain('MaxListenersExceededWarning');
    expect(emulator.inspect.messages(MAILBOXES[11] as string)).toHaveLength(1);
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
  });
});
