/**
 * What the import holds of one large folder's rows still to import, before its first upload and while it
 * pages through them: a ledger file with `--rows` open rows in one Inbox (a first run into it), then the
 * folder read as the import reads it (Ledger.folderWork: keys indexed on the first listed message, uploads
 * fixed, a page read), against reading it whole as before (every row, and the key sets built over them).
 *
 *   node --expose-gc --import tsx bench/folder-rows.bench.ts [--rows 200000] [--whole]
 *
 * Prints the JS heap and RSS above what they were with the ledger open. One way per process (--whole for
 * the old one), so that neither measures the other's garbage.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Ledger, type NewEntryRow } from '../src/ledger/ledger.js';
import { openKeysOf, openRowKeys } from '../src/run/import/destination-inventory.js';
import { fingerprint } from '../src/message/fingerprint.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '200000' }, whole: { type: 'boolean', default: false } } });
const rows = Number(values.rows);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

const dir = mkdtempSync(join(tmpdir(), 'eml-import-folder-rows-'));
const path = join(dir, 'ledger.db');
{
  const ledger = Ledger.open(path);
  const zip = ledger.upsertZip({ path: '/estate/ann.zip', name: 'ann.zip', mailbox: 'ann@contoso.com', size: 1 }).id;
  const entries: NewEntryRow[] = [];
  const flush = (): void => void (ledger.addEntries(entries), (entries.length = 0));
  for (let i = 0; i < rows; i++) {
    const subject = `Quarterly figures for the north-east region, draft ${i}`;
    const date = new Date(Date.UTC(2020, 0, 1) + i * 60_000);
    entries.push({
      zipId: zip, entry: `export-1/Inbox/${i}.eml`, entryIndex: i, folder: 'Inbox', target: 'Inbox', kind: 'message', subject,
      sender: 'someone@example.com', date: date.toISOString(), dateSource: 'date-header', messageId: `<${i}.abcdef@mail.example.com>`,
      fingerprint: fingerprint(subject, date), size: 20_000, crc32: i, scope: 'Inbox', verdict: 'importable', rule: null, readError: null,
    });
    if (entries.length === 5_000) flush();
  }
  flush();
  ledger.close();
}

const ledger = Ledger.open(path);
gc();
const base = { heap: process.memoryUsage().heapUsed, rss: process.memoryUsage().rss };
let peakRss = base.rss;
const sample = (): void => void (peakRss = Math.max(peakRss, process.memoryUsage().rss));
let held: unknown;
const started = process.cpuUsage();
if (values.whole) {
  // What import-mailbox.ts held before this branch: the open rows, the key sets over them, the upload list.
  const open = ledger.wantedFor('ann@contoso.com', 'Inbox');
  held = { open, keys: openKeysOf(open), toUpload: open.filter(() => true) };
  sample();
} else {
  const work = ledger.folderWork('ann@contoso.com', 'Inbox', openRowKeys);
  work.shared(['id\nnot-there@x']);
  sample();
  work.fixUploads();
  let pages = 0;
  for (const page of work.uploadPages()) {
    if (pages++ === 0) held = page;
    sample();
  }
}
const cpu = process.cpuUsage(started);
gc();
const heldHeap = process.memoryUsage().heapUsed;
sample();
console.log(
  `${values.whole ? 'whole' : 'paged'}: ${rows} open rows in one folder: heap held ${((heldHeap - base.heap) / 1e6).toFixed(1)} MB, ` +
    `RSS peak +${((peakRss - base.rss) / 1e6).toFixed(1)} MB, CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s`,
);
void held; // kept alive until measured
ledger.close();
rmSync(dir, { recursive: true, force: true });
