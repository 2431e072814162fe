/**
 * The report folder replaced by a file while the import runs (a cleanup script, a mistaken `rm -r; touch`):
 * the messages are in, so the run ends with one sentence naming the folder and exit 1, as for a full disk,
 * not a stack trace and the exit 2 of a command-line mistake.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { message, writeZip } from '../helpers/make-zip.js';
import { emulatorForTests, runAgainst } from '../helpers/tenant.js';

const ANN = 'ann@contoso.onmicrosoft.com';
const COUNT = 12;
const the = emulatorForTests({ mailboxes: [ANN], latencyMs: { min: 40, max: 80 } }, 'report-lost');

describe('a report folder that became a file during the run', () => {
  it('ends with one sentence naming it and exit 1, every message imported once', async () => {
    const { emulator, work } = the;
    const zip = await writeZip(
      join(work, 'ann.zip'),
      Array.from({ length: COUNT }, (_, i) => ({ name: `Inbox/${i}.eml`, content: message({ subject: `lost ${i}`, messageId: `<lost-${i}@x>` }) })),
    );
    const report = join(work, 'report');
    const running = runAgainst(emulator, ANN, [zip, '--state', join(work, 'state'), '--report', report]);
    await new Promise<void>((done) => {
      const watch = setInterval(() => {
        if (emulator.inspect.messages(ANN).length === 0) return;
        clearInterval(watch);
        rmSync(report, { recursive: true, force: true });
        writeFileSync(report, 'not a folder');
        done();
      }, 5);
    });
    const run = await running;
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr).toContain(`${report}: the report could not be written there`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(new Set(emulator.inspect.messages(ANN).map((m) => m.internetMessageId)).size).toBe(COUNT);
  });
});
