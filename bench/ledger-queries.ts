/**
 * The ledger's per-mailbox queries on a ledger of many mailboxes: each must cost what its own mailbox
 * holds, not what the whole ledger holds (an MSP run has thousands of mailboxes, every one with an Inbox).
 * Prints the time per query on a ledger of M mailboxes against one of a single mailbox of the same size.
 *
 *   npx tsx bench/ledger-queries.ts [--mailboxes 1000] [--messages 200]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Ledger, type NewEntryRow } from '../src/ledger/ledger.js';

const { values } = parseArgs({ options: { mailboxes: { type: 'string', default: '1000' }, messages: { type: 'string', default: '200' } } });
const mailboxes = Number(values.mailboxes);
const perMailbox = Number(values.messages);
const TARGETS = ['["inbox"]', '["sentitems"]', '["archive","2020"]'];

function fill(ledger: Ledger, count: number): void {
  for (let b = 0; b < count; b++) {
    const zip = ledger.upsertZip({ path: `/exports/mailbox-${b}.zip`, name: `mailbox-${b}.zip`, mailbox: `user${b}@contoso.com`, size: 1 });
    const rows: NewEntryRow[] = Array.from({ length: perMailbox }, (_, i) => ({
      zipId: zip.id, entry: `Inbox/${i}.eml`, entryIndex: i, folder: 'Inbox', target: TARGETS[i % TARGETS.length]!, kind: 'message',
      subject: `s${i}`, sender: 'a@b', date: '2024-01-01T00:00:00.000Z', dateSource: 'date', messageId: `<${b}.${i}@x>`,
      fingerprint: `${b}-${i}`, size: 1000, crc32: i, scope: TARGETS[i % TARGETS.length]!, verdict: 'importable', rule: null, readError: null,
    }));
    ledger.addEntries(rows);
    ledger.finishZipScan(zip.id, { archiveError: null, exportLog: null, exportLogMismatches: [] });
  }
}

function timeQueries(ledger: Ledger, mailbox: string, zipId: number): Record<string, number> {
  const time = (run: () => unknown): number => {
    const started = process.hrtime.bigint();
    for (let i = 0; i < 20; i++) run();
    return Number(process.hrtime.bigint() - started) / 1e6 / 20;
  };
  return {
    'wantedFor(mailbox)': time(() => ledger.wantedFor(mailbox)),
    'wantedFor(mailbox, inbox)': time(() => ledger.wantedFor(mailbox, '["inbox"]')),
    'dedupRows(mailbox)': time(() => {
      ledger.setRunZips([zipId]);
      return [...ledger.dedupRows({ mailbox })];
    }),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'eml-import-ledger-bench-'));
try {
  const many = Ledger.open(join(dir, 'many.db'));
  fill(many, mailboxes);
  const one = Ledger.open(join(dir, 'one.db'));
  fill(one, 1);
  const manyTimes = timeQueries(many, 'user0@contoso.com', 1);
  const oneTimes = timeQueries(one, 'user0@contoso.com', 1);
  console.log(`${mailboxes} mailboxes of ${perMailbox} messages against 1; ms per query, ratio`);
  for (const [name, ms] of Object.entries(manyTimes)) console.log(`  ${name.padEnd(28)} ${ms.toFixed(2).padStart(8)} ms  vs ${oneTimes[name]!.toFixed(2).padStart(6)} ms  ${(ms / oneTimes[name]!).toFixed(1)}x`);
  many.close();
  one.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
