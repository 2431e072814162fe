/**
 * The same import started twice at once with two --state folders (a second terminal, a cron job beside a
 * manual run): the state folders' locks cannot see each other, and both runs sent every message (297 of
 * 300 twice, accidents probe). The mailbox is held while it is imported, so the second run leaves it alone.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { message, writeZip } from '../helpers/make-zip.js';
import { emulatorForTests, runAgainst } from '../helpers/tenant.js';

const ANN = 'ann@contoso.onmicrosoft.com';
const COUNT = 40;
const the = emulatorForTests({ mailboxes: [ANN], latencyMs: { min: 60, max: 120 } }, 'two-runs');

describe('two imports into one mailbox at once', () => {
  it('the second leaves the mailbox to the first, and every message is there once', async () => {
    const entries = Array.from({ length: COUNT }, (_, i) => ({ name: `Inbox/${i}.eml`, content: message({ subject: `Message ${i}`, messageId: `<two-runs-${i}@x>` }) }));
    const { emulator, work } = the;
    const zip = await writeZip(join(work, 'ann.zip'), entries);
    const [first, second] = await Promise.all([
      runAgainst(emulator, ANN, [zip, '--state', join(work, 'state-a'), '--report', join(work, 'report-a')]),
      runAgainst(emulator, ANN, [zip, '--state', join(work, 'state-b'), '--report', join(work, 'report-b')]),
    ]);
    const refused = [first, second].filter((run) => run.stderr.includes(`is importing into ${ANN}`));
    expect(refused, `${first.stderr}\n${second.stderr}`).toHaveLength(1);
    expect(refused[0]!.status, refused[0]!.stderr).toBe(2);
    expect(refused[0]!.stderr).toContain('--state ');
    const ids = emulator.inspect.messages(ANN).map((m) => m.internetMessageId);
    expect(ids).toHaveLength(COUNT);
    expect(new Set(ids).size).toBe(COUNT);

    // Once the first is done, the second finds everything there and sends nothing.
    const again = refused[0] === first ? 'a' : 'b';
    const rerun = await runAgainst(emulator, ANN, [zip, '--state', join(work, `state-${again}`), '--report', join(work, `report-${again}`)]);
    expect(rerun.status, rerun.stderr).toBe(0);
    expect(emulator.inspect.messages(ANN)).toHaveLength(COUNT);
  });
});
