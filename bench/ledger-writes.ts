/**
 * What the ledger costs an import per message: the row marked in flight before its create goes out, then
 * imported. The import's way (the import written with the next in-flight mark, one commit a message)
 * against the baseline of each transition committed on its own (two commits a message, what the import did
 * before), on a ledger file of the given size, alternating so that both see the same machine.
 *
 *   npm run bench:ledger-writes [-- --messages 10000] [--rows 40000] [--rounds 3]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Ledger, type NewEntryRow } from '../src/ledger/ledger.js';

const { values } = parseArgs({ options: { messages: { type: 'string', default: '10000' }, rows: { type: 'string', default: '40000' }, rounds: { type: 'string', default: '3' } } });
const perCase = Number(values.messages);
const rounds = Number(values.rounds);
const rowCount = Math.max(Number(values.rows), 2 * perCase * rounds);

const dir = mkdtempSync(join(tmpdir(), 'eml-import-ledger-writes-'));
try {
  const ledger = Ledger.open(join(dir, 'state.db'));
  const zip = ledger.upsertZip({ path: '/exports/ann.zip', name: 'ann.zip', mailbox: 'ann@contoso.com', size: 1 });
  const rows: NewEntryRow[] = Array.from({ length: rowCount }, (_, i) => ({
    zipId: zip.id, entry: `Inbox/${i}.eml`, entryIndex: i, folder: 'Inbox', target: '["inbox"]', kind: 'message',
    subject: `Re: the quarterly numbers, a subject of the usual length ${i}`, sender: 'Alice Example <alice@example.com>',
    date: '2024-01-01T00:00:00.000Z', dateSource: 'date', messageId: `<CAF${i}.1234567890@mail.example.com>`,
    fingerprint: String(i).padStart(64, 'f'), size: 8000, crc32: i, scope: '["inbox"]', verdict: 'importable', rule: null, readError: null,
  }));
  ledger.addEntries(rows);
  const ids = ledger.wantedFor('ann@contoso.com').map((row) => row.id);
  // A Graph message id is about 150 characters.
  const destId = (i: number): string => `AAMkAD${String(i).padStart(144, 'A')}`;
  let next = 0;
  const cpuMs = (): number => {
    const used = process.cpuUsage();
    return (used.user + used.system) / 1000;
  };
  const time = (mark: (id: number, i: number) => void): number => {
    const started = cpuMs();
    for (let n = 0; n < perCase; n++, next++) mark(ids[next]!, next);
    return ((cpuMs() - started) * 1000) / perCase;
  };
  console.log(`${perCase} messages a case on a ledger of ${rowCount} rows; CPU µs per message`);
  for (let round = 1; round <= rounds; round++) {
    const baseline = time((id, i) => {
      ledger.markInFlight(id, 'importMime', 1);
      ledger.markImported(id, destId(i), 'importMime');
      // Any read writes what markImported held: here, in a commit of its own.
      ledger.getMeta('bench');
    });
    const asImported = time((id, i) => {
      ledger.markInFlight(id, 'importMime', 1);
      ledger.markImported(id, destId(i), 'importMime');
    });
    console.log(`  round ${round}: two commits ${baseline.toFixed(1).padStart(6)}   one commit ${asImported.toFixed(1).padStart(6)}   ratio ${(asImported / baseline).toFixed(2)}`);
  }
  ledger.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
