import { basename } from 'node:path';
import { ExportLogTally, canonicalZipLocation, checkExportLog, countNamedFolders, exportIdentity, isS3Uri, startReadPool, zipIdentity } from '../../source/index.js';
import { readZip, type ZipReading } from './zip-reading.js';
import { summarizeMessage } from '../../message/summarize.js';
import { classifySpam } from '../../policy/spam.js';
import { mapFolder } from '../../policy/folder-map.js';
import { encodeTarget, targetScope } from '../../policy/target.js';
import { compareLargestFirst } from '../../plan/run-order.js';
import { deduplicateRun, type OutsideOriginals } from './deduplicate.js';
import type { Ledger, NewEntryRow, ZipRecord } from '../../ledger/ledger.js';
import type { Stats } from '../../accounting/stats.js';
import type { EntryLocation, ScanItem, ExportLog } from '../../source/index.js';
import type { SpamOptions } from '../../policy/types.js';
import { folderGlobWarnings, type FolderGlobs } from './folder-glob-warnings.js';
import { ERROR_PREFIX } from '../io.js';

export interface ScanOptions {
  /** Inflate every entry to the end and check CRC and sizes (the default); false for --headers-only. */
  readonly verify: boolean;
  readonly spam: SpamOptions;
  readonly into?: string;
  readonly archiveBefore?: Date;
  /** Source folders to take (include/exclude globs already applied); false drops the entry as excluded. */
  readonly folderWanted: (folderSegments: readonly string[]) => boolean;
  /** The globs behind folderWanted, to warn after the scan about any that matched no folder. */
  readonly folderGlobs?: FolderGlobs;
  /**
   * Stops the scan (Ctrl-C): no further zip is read, and the one being read stops where it is. A zip
   * cut short is not marked scanned, so the next run reads it again; its rows so far are kept.
   */
  readonly signal?: AbortSignal;
}

export interface ZipToScan {
  readonly path: string;
  /** The mailbox it goes to; null in a dry run without a tenant (each zip is then its own scope). */
  readonly mailbox: string | null;
}

/**
 * Bytes of zips from which a run keeps read workers for all its zips (source/scan.ts ScanOptions.readPool).
 * A zip of fewer than READ_WORKER_MIN_ENTRIES entries is read on the main thread when alone, because
 * starting a worker (some 30-50 ms) costs more than it saves; a thousand such zips were then read on one
 * core. About 16 MB is what the main thread inflates in the time a worker takes to start.
 */
const SHARED_READ_WORKERS_MIN_BYTES = 16 * 1024 * 1024;

/** Whether the run's zips, of these sizes, are worth read workers kept for all of them. */
export function sharesReadWorkers(zipSizes: readonly number[]): boolean {
  return zipSizes.length > 1 && zipSizes.reduce((sum, size) => sum + size, 0) >= SHARED_READ_WORKERS_MIN_BYTES;
}

/** Rows are written in batches: one transaction per batch keeps the scan fast and a kill costs one batch. */
const ROWS_PER_TRANSACTION = 500;

/**
 * Called once a mailbox's zips are all read and its duplicates decided: from then on it can be imported
 * while the scan goes on with the next mailbox.
 */
export type MailboxScanned = (zips: readonly ZipRecord[]) => void;

/**
 * Reads every zip into the ledger: one row per entry with its kind, decoded headers, target folder and
 * verdict. A zip already scanned in an earlier run is not read again (the ledger is the checkpoint), and
 * an export is known by its content: moved, renamed or downloaded again, it resumes where it was.
 * Zips are read a mailbox at a time (a zip without one is its own group) and duplicates are decided per
 * mailbox once all its zips are in (run/scan/deduplicate.ts), in the given order; with `onMailboxScanned`
 * (the import), largest mailbox first, so that the mailbox that sets the run's wall-clock time starts
 * uploading first instead of after the whole estate has been read.
 */
export async function scanZips(
  zips: readonly ZipToScan[],
  ledger: Ledger,
  stats: Stats,
  options: ScanOptions,
  log: (line: string) => void,
  onMailboxScanned?: MailboxScanned,
): Promise<ZipRecord[]> {
  // A missing file is reported by the scan as an archive error; its size is simply unknown here.
  const sized = await Promise.all(
    zips.map(async (zip) => {
      const path = canonicalZipLocation(zip.path);
      const identity = await zipIdentity(path);
      return { zip, path, size: identity?.size ?? 0 };
    }),
  );
  const runPaths = new Set(sized.map((z) => z.path));
  stats.zipsTotal = zips.length;
  stats.zipBytesTotal = sized.reduce((sum, z) => sum + z.size, 0);
  stats.phase = 'scanning';
  // Rows of a ledger older than the scope column get theirs once, not once per mailbox.
  ledger.fillMissingScopes(targetScope);
  const reached = new Map<string, ZipRecord>();
  let bytesOfZipsDone = 0;
  const groups = scanGroups(sized, onMailboxScanned !== undefined);
  const readPool = sharesReadWorkers(sized.map((z) => z.size)) ? startReadPool({ verify: options.verify }) : undefined;
  const sourceOptions = { verify: options.verify, ...(options.signal === undefined ? {} : { signal: options.signal }), ...(readPool === undefined ? {} : { readPool }) };

  /** Claims the zip in the ledger and, unless an earlier run read it whole, starts reading its entries. */
  const claim = async ({ zip, path, size }: (typeof sized)[number], ahead: boolean): Promise<ClaimedZip> => {
    const identity = await exportIdentity(path);
    const record = ledger.claimZip({ path, name: basename(zip.path), mailbox: zip.mailbox, size, identity }, (p) => runPaths.has(p));
    if (record.previousPath !== null && record.previousPath !== path) log(`${zip.path}: seen before at ${record.previousPath}; resuming from the ledger`);
    if (record.replaced) log(`${zip.path}: ${isS3Uri(path) ? 'the object' : 'the file'} was replaced since the last run (another export under the same name): reading it again`);
    // Entries an outage left unread (S3 past every retry) are read again now.
    const again = record.scanned ? ledger.forgetEntriesToReadAgain(record.id) : 0;
    if (again > 0) log(`${zip.path}: reading again ${again} entries the last run could not get`);
    return { path, size, record, ...(!record.scanned || again > 0 ? { reading: readZip(record.path, sourceOptions, ahead) } : {}) };
  };

  const sequence = groups.flat();
  let position = 0;
  // With the run's workers a local zip is read from its claim on, before the one before it is written.
  const readsAhead = (zip: (typeof sized)[number] | undefined): zip is (typeof sized)[number] => readPool !== undefined && zip !== undefined && !isS3Uri(zip.path);
  /** The zip after the one being written, claimed and being read already. */
  let upcoming: ClaimedZip | undefined;
  try {
    for (const group of groups) {
      const records: ZipRecord[] = [];
      for (const next of group) {
        if (options.signal?.aborted) break;
        const current = upcoming ?? (await claim(next, readsAhead(next)));
        upcoming = undefined;
        const following = sequence[++position];
        if (readsAhead(following)) upcoming = await claim(following, true);
        if (current.reading !== undefined) await scanOneZip(current.record, current.reading, ledger, stats, options, log);
        records.push(ledger.zip(current.record.id));
        reached.set(current.path, records[records.length - 1]!);
        stats.zipsDone += 1;
        bytesOfZipsDone += current.size;
        stats.zipBytesRead = bytesOfZipsDone;
      }
      // An interrupted scan decides nothing: the next run weighs every zip again.
      if (options.signal?.aborted) break;
      noteOutsideOriginals(records, deduplicateRun(records, ledger), ledger, log);
      onMailboxScanned?.(records.map((r) => ledger.zip(r.id)));
    }
  } finally {
    await upcoming?.reading?.close();
    await readPool?.close();
  }
  // In the order given, whatever order they were read in.
  const records = sized.flatMap((z) => {
    const record = reached.get(z.path);
    return record === undefined ? [] : [ledger.zip(record.id)];
  });
  if (options.folderGlobs && !options.signal?.aborted) {
    for (const warning of folderGlobWarnings(ledger, new Set(records.map((r) => r.id)), options.folderGlobs)) log(`warning: ${warning}`);
  }
  return records;
}

/**
 * The zips grouped by mailbox, each group in the given order; a zip without a mailbox alone. Groups come
 * in the order of their first zip, or largest first (bytes of their zips) when asked.
 */
export function scanGroups<T extends { readonly zip: { readonly mailbox: string | null }; readonly size: number }>(zips: readonly T[], largestFirst: boolean): T[][] {
  const byMailbox = new Map<string, T[]>();
  const groups: T[][] = [];
  for (const z of zips) {
    if (z.zip.mailbox === null) {
      groups.push([z]);
      continue;
    }
    const group = byMailbox.get(z.zip.mailbox);
    if (group) group.push(z);
    else {
      const fresh = [z];
      byMailbox.set(z.zip.mailbox, fresh);
      groups.push(fresh);
    }
  }
  if (!largestFirst) return groups;
  const sized = groups.map((group, i) => ({ group, mailbox: group[0]!.zip.mailbox ?? '', bytes: group.reduce((n, z) => n + z.size, 0), i }));
  return sized.sort((a, b) => compareLargestFirst(a, b) || a.i - b.i).map((s) => s.group);
}

/**
 * A zip whose messages are mostly duplicates of messages delivered from zips outside this run is said in
 * words, so that a run that imports nothing never looks like a success by accident.
 */
function noteOutsideOriginals(records: readonly ZipRecord[], outside: readonly OutsideOriginals[], ledger: Ledger, log: (line: string) => void): void {
  for (const o of outside) {
    const zip = records.find((r) => r.id === o.zipId);
    if (!zip) continue;
    const from = o.fromZipIds.map((id) => ledger.zip(id).path).join(', ');
    const note = `${o.count} message(s) already delivered from ${from}, a zip not part of this run: left out as duplicates`;
    ledger.addZipNote(zip.id, note);
    log(`${zip.path}: ${note}`);
  }
}

/** A zip of the run, claimed in the ledger; `reading` unless an earlier run read it to the end. */
interface ClaimedZip {
  readonly path: string;
  readonly size: number;
  readonly record: ZipRecord;
  readonly reading?: ZipReading;
}

async function scanOneZip(zip: ZipRecord, reading: ZipReading, ledger: Ledger, stats: Stats, options: ScanOptions, log: (line: string) => void): Promise<void> {
  try {
    await readZipIntoLedger(zip, reading.items, ledger, stats, options, log);
  } catch (error) {
    // Interrupted: the zip stays unscanned, to be read again by the next run.
    if (options.signal?.aborted) return;
    throw error;
  } finally {
    await reading.close();
  }
}

async function readZipIntoLedger(zip: ZipRecord, items: AsyncIterable<ScanItem>, ledger: Ledger, stats: Stats, options: ScanOptions, log: (line: string) => void): Promise<void> {
  let batch: NewEntryRow[] = [];
  let archiveError: string | null = null;
  let archiveErrorCount = 0;
  const logs: ExportLog[] = [];
  const tally = new ExportLogTally();
  const flush = (): void => {
    ledger.addEntries(batch);
    batch = [];
  };

  try {
    for await (const item of items) {
      const row = toRow(zip, item, options, archiveErrorCount);
      if (item.type === 'archive-error') {
        archiveError = item.error;
        archiveErrorCount += 1;
        log(`${ERROR_PREFIX}${item.error}`);
      } else {
        stats.entriesScanned += 1;
        stats.bytesScanned += item.entry.uncompressedSize;
        stats.zipBytesRead += item.entry.compressedSize;
        if (item.exportLog) logs.push(item.exportLog);
        tally.add(row.kind, row.size);
        // Every unreadable entry is named, the ones whose bytes are not a message too (an empty entry, a
        // file that starts with a blank line), not only the ones whose bytes could not be had.
        if (row.verdict === 'unreadable' && typeof row.readError === 'string') log(`${ERROR_PREFIX}${row.readError}`);
      }
      if (row.verdict === 'unreadable') stats.unreadable += 1;
      batch.push(row);
      if (batch.length >= ROWS_PER_TRANSACTION) flush();
    }
  } finally {
    // Interrupted too: the rows read so far are kept.
    flush();
  }

  // The folder count walks the names once more, only when a log states one to compare with.
  const namedFolders = logs.some((l) => l.totalFolders !== undefined) ? await countNamedFolders(zip.path).catch(() => null) : 0;
  const mismatches = logs.flatMap((l) => checkExportLog(namedFolders === null ? { ...l, totalFolders: undefined } : l, tally.observed(namedFolders ?? 0)));
  ledger.finishZipScan(zip.id, {
    archiveError,
    exportLog: logs.length > 0 ? JSON.stringify(logs.map((l) => ({ entry: l.entryName, ...l.raw }))) : null,
    exportLogMismatches: mismatches,
  });
}

function toRow(zip: ZipRecord, item: ScanItem, options: ScanOptions, archiveErrors: number): NewEntryRow {
  if (item.type === 'archive-error') {
    return { ...emptyRow(zip.id, item.entryName ?? '(archive)', '', -1 - archiveErrors, 0, null), kind: 'unreadable', verdict: 'unreadable', readError: item.error };
  }
  const { entry, read } = item;
  const base = emptyRow(zip.id, entry.entryName, entry.folder, entry.entryIndex, entry.uncompressedSize, entry.crc32, entry.location);
  if (!read.ok && read.readAgain === true) return { ...base, kind: 'unreadable', verdict: 'unreadable', readError: `${read.error}; run again to read it`, readAgain: true };
  if (!read.ok) return { ...base, kind: 'unreadable', verdict: 'unreadable', readError: read.error };
  if (read.kind === 'export-log') return { ...base, kind: 'export-log', verdict: 'export-log' };
  if (read.kind === 'unreadable') {
    const why = read.reason === undefined ? '' : `: ${read.reason}`;
    return { ...base, kind: 'unreadable', verdict: 'unreadable', readError: `${zip.name}: ${entry.entryName}: not a message, calendar item or export log${why}` };
  }

  const summary = summarizeMessage(read.head);
  const described = {
    ...base,
    kind: read.kind,
    subject: summary.subject,
    sender: summary.from,
    date: summary.date ? summary.date.toISOString() : null,
    dateSource: summary.dateSource,
    headerDefects: summary.headerDefects,
    messageId: summary.messageId,
    fingerprint: summary.fingerprint,
  };
  // Calendar items are described (an invitation has a subject worth listing) but not imported as mail.
  if (read.kind === 'calendar') return { ...described, verdict: 'calendar' };
  if (!options.folderWanted(entry.folderSegments)) return { ...described, verdict: 'excluded', rule: 'folder filter' };
  const spam = classifySpam({ folderSegments: entry.folderSegments, headers: summary.headers }, options.spam);
  if (spam.spam) return { ...described, verdict: 'spam', rule: spam.rule };
  const mapped = mapFolder(entry.folderSegments, { date: summary.date }, { into: options.into, archiveBefore: options.archiveBefore });
  const target = encodeTarget(mapped.segments);
  return { ...described, target, scope: targetScope(target), verdict: 'importable' };
}

function emptyRow(zipId: number, entry: string, folder: string, entryIndex: number, size: number, crc32: number | null, location: EntryLocation | null = null): NewEntryRow {
  return {
    zipId,
    entry,
    entryIndex,
    folder,
    target: null,
    kind: 'message',
    subject: null,
    sender: null,
    date: null,
    dateSource: null,
    headerDefects: 0,
    messageId: null,
    fingerprint: null,
    size,
    crc32,
    location,
    scope: null,
    verdict: 'importable',
    rule: null,
    readError: null,
  };
}
