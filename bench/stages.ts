/**
 * Where a scan's time goes, stage by stage: each stage of the dry run's per-entry work, timed alone on
 * one thread over the first --sample entries of an export, in µs per entry. The dry run spreads read,
 * inflate and CRC over read workers and does the rest where the scan puts it; this says what each costs,
 * so that the next bottleneck is visible. Stages (in the order an entry goes through them):
 *
 * - read: the entry's compressed bytes from the file (blocking reads, as a read worker does them);
 * - inflate: the whole entry (verifying scan), or the compressed prefixes tried until one holds the header
 *   (--headers-only, HEADER_PREFIX_STEPS);
 * - crc: CRC-32 of the inflated bytes (verifying scan only);
 * - head: finding the header block and sniffing it (src/source);
 * - decode: the header summary (summarizeMessage: fields, dates, RFC 2047, fingerprint);
 * - policy: folder filter, spam verdict, target folder;
 * - ledger: the rows written to a scratch ledger in the scan's transactions;
 * - dedup: the duplicate pass over the ledger rows (reading the candidates, the tracker, the updates).
 *
 *   node --import tsx bench/stages.ts ZIP [--sample 20000]
 */
import zlib from 'node:zlib';
import { parseArgs } from 'node:util';
import { walkCentralDirectory } from '../src/source/central-directory.js';
import type { CentralEntry } from '../src/source/central-directory.js';
import { readCompressed } from '../src/source/entry-data.js';
import { HEADER_PREFIX_STEPS } from '../src/source/limits.js';
import { headerBlockOf } from '../src/source/header-block.js';
import { sniffContent } from '../src/source/sniff.js';
import { SharedRootFinder, folderPath, folderSegmentsOf, isDirectoryName } from '../src/source/entry-name.js';
import { openZipFile } from '../src/source/zip-file.js';
import { summarizeMessage } from '../src/message/summarize.js';
import { classifySpam } from '../src/policy/spam.js';
import { mapFolder } from '../src/policy/folder-map.js';
import { folderFilter } from '../src/policy/folder-filter.js';
import { deduplicateRun } from '../src/run/scan/deduplicate.js';
import { encodeTarget, targetScope } from '../src/policy/target.js';
import { Ledger } from '../src/ledger/ledger.js';
import type { NewEntryRow } from '../src/ledger/ledger.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { sample: { type: 'string', default: '20000' } } });
const zipPath = positionals[0];
if (zipPath === undefined) throw new Error('usage: bench/stages.ts ZIP [--sample N]');
const sample = Number(values.sample);

const STAGES = ['read', 'inflate', 'crc', 'head', 'decode', 'policy', 'ledger', 'dedup'] as const;
type Stage = (typeof STAGES)[number];

const finder = new SharedRootFinder();
const entries: CentralEntry[] = [];
for await (const entry of walkCentralDirectory(zipPath)) {
  finder.add(entry.name);
  if (entries.length < sample && !isDirectoryName(entry.name)) entries.push(entry);
}
const root = finder.root();
const zip = await openZipFile(zipPath, { blocking: true });
const folderWanted = folderFilter([], []);
const spam = { keepJunk: false, userRules: [] };

/** Runs every entry through the stages, verifying or headers-only; nanoseconds per stage, summed. */
async function measure(verify: boolean): Promise<Record<Stage, number>> {
  const ns = Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>;
  const ledger = Ledger.openScratch();
  try {
    const zipId = ledger.upsertZip({ path: zipPath!, name: 'bench', mailbox: null, size: 0 }).id;
    let batch: NewEntryRow[] = [];
    let t = process.hrtime.bigint();
    const lap = (stage: Stage): void => {
      const now = process.hrtime.bigint();
      ns[stage] += Number(now - t);
      t = now;
    };
    for (const entry of entries) {
      t = process.hrtime.bigint();
      let bytes: Buffer | undefined;
      let head: Buffer | undefined;
      if (!verify) {
        // as readEntry does it: growing compressed prefixes until one holds the header block
        for (const step of HEADER_PREFIX_STEPS) {
          if (step >= entry.compressedSize) break;
          const raw = await readCompressed(zip, entry, step);
          lap('read');
          const prefix = entry.compressionMethod === 0 ? raw : zlib.inflateRawSync(raw, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
          lap('inflate');
          head = headerBlockOf(prefix, false);
          lap('head');
          if (head !== undefined) break;
        }
      }
      if (head === undefined) {
        const raw = await readCompressed(zip, entry, entry.compressedSize);
        lap('read');
        bytes = entry.compressionMethod === 0 ? raw : zlib.inflateRawSync(raw, { chunkSize: Math.max(zlib.constants.Z_MIN_CHUNK, entry.uncompressedSize + 1) });
        lap('inflate');
        if (verify && zlib.crc32(bytes) >>> 0 !== entry.crc32 >>> 0) throw new Error(`${entry.name}: CRC mismatch`);
        lap('crc');
        head = headerBlockOf(bytes, true) ?? bytes;
      }
      const kind = sniffContent(head).kind;
      lap('head');
      if (kind !== 'message') continue;
      const summary = summarizeMessage(head);
      lap('decode');
      const segments = folderSegmentsOf(entry.name, root);
      let verdict: NewEntryRow['verdict'] = 'importable';
      let rule: string | null = null;
      let target: string | null = null;
      if (!folderWanted(segments)) verdict = 'excluded';
      else {
        const decision = classifySpam({ folderSegments: segments, headers: summary.headers }, spam);
        if (decision.spam) [verdict, rule] = ['spam', decision.rule];
        else target = encodeTarget(mapFolder(segments, { date: summary.date }, {}).segments);
      }
      lap('policy');
      batch.push({
        zipId,
        entry: entry.name,
        entryIndex: entry.index,
        folder: folderPath(segments),
        target,
        kind,
        subject: summary.subject,
        sender: summary.from,
        date: summary.date?.toISOString() ?? null,
        dateSource: summary.dateSource,
        messageId: summary.messageId,
        fingerprint: summary.fingerprint,
        size: entry.uncompressedSize,
        crc32: entry.crc32,
        scope: target === null ? null : targetScope(target),
        verdict,
        rule,
        readError: null,
      });
      if (batch.length >= 500) {
        ledger.addEntries(batch);
        batch = [];
      }
      lap('ledger');
    }
    t = process.hrtime.bigint();
    ledger.addEntries(batch);
    lap('ledger');
    deduplicateRun([ledger.zip(zipId)], ledger);
    lap('dedup');
  } finally {
    ledger.close();
  }
  return ns;
}

// A first pass warms the page cache and the JIT; the second is the one reported.
await measure(true);
const verifying = await measure(true);
const headersOnly = await measure(false);
await zip.close();

const us = (n: number): string => (n / 1000 / entries.length).toFixed(1);
const total = (r: Record<Stage, number>): number => STAGES.reduce((sum, s) => sum + r[s], 0);
console.log(`\nper-stage cost on one thread, first ${entries.length} entries of ${zipPath} (µs per entry):`);
console.log(`| mode | ${STAGES.join(' | ')} | total |`);
console.log(`|---|${STAGES.map(() => '---|').join('')}---|`);
console.log(`| verifying | ${STAGES.map((s) => us(verifying[s])).join(' | ')} | ${us(total(verifying))} |`);
console.log(`| --headers-only | ${STAGES.map((s) => (s === 'crc' ? '-' : us(headersOnly[s]))).join(' | ')} | ${us(total(headersOnly))} |`);
