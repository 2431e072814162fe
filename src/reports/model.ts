import type { ExportNotLanded } from '../export/not-landed.js';
import type { ShardRecord } from './shard-record.js';
import type { MessageSubset } from '../ledger/ledger.js';

export type { ExportNotLanded };

/**
 * The typed report every renderer reads (terminal, JSON, CSV, HTML). It is built from the ledger, never
 * from memory, so a report after an interrupted run says exactly what the ledger knows.
 */

export type RunMode = 'dry-run' | 'import';

export interface Counts {
  /** Entries that are RFC 5322 messages (spam and duplicates included). */
  messages: number;
  /** Messages that would be (dry run) or are wanted (import): not spam, not duplicates, not excluded. */
  importable: number;
  spam: number;
  duplicates: number;
  /** Messages kept although another shares their fingerprint (different Message-IDs). */
  collisions: number;
  calendar: number;
  undated: number;
  unreadable: number;
  /** Messages in folders the include/exclude globs left out. */
  excluded: number;
  /** Uncompressed bytes of the messages (calendar items, logs and unreadable entries not included). */
  bytes: number;
  /** Imported by eml-import, in this run or an earlier one (0 in a dry run). */
  imported: number;
  /** Of `imported`, those an earlier run imported: a re-run that uploads nothing has all of them here. */
  importedEarlier: number;
  /** Found in the destination already (not uploaded): an earlier run elsewhere, or Microsoft's own migration. */
  alreadyPresent: number;
  failed: number;
  /** Wanted messages not yet imported nor found present (an interrupted run). */
  pending: number;
  /** Messages whose header block holds lines that are not fields (read past; see message/header-block.ts). */
  headerDefects: number;
}

export interface FolderReport extends Counts {
  readonly zip: string;
  readonly mailbox: string | null;
  /** The source folder path ('' = top level of the zip). */
  readonly folder: string;
}

export interface ZipReport {
  readonly zip: string;
  readonly path: string;
  readonly mailbox: string | null;
  readonly archiveError: string | null;
  readonly exportLogMismatches: readonly string[];
  /**
   * What this run found about the zip itself: read before at another path (moved, renamed, downloaded
   * again), a second copy of another zip of the run, messages already delivered from a zip not in the run.
   */
  readonly notes: readonly string[];
  readonly totals: Counts;
}

/** One message row as the CSVs list it. */
export interface MessageLine {
  readonly zip: string;
  readonly entry: string;
  readonly folder: string;
  readonly target: string | null;
  readonly subject: string;
  readonly from: string;
  /** ISO 8601 UTC, '' when undated. */
  readonly date: string;
  /** How the date was found (RunReport `datesBySource`): 'date', 'date-assumed-zone', 'received', 'none'; '' when not a message. */
  readonly dateSource: string;
  /** Lines of the header block that are not fields; 0 for a well-formed block. */
  readonly headerDefects: number;
  readonly messageId: string;
  readonly fingerprint: string;
  readonly size: number;
  readonly verdict: string;
  readonly rule: string;
  readonly error: string;
  /** How the last failure was classified (retryable, no-retry, ambiguous-create, partial-upload…). */
  readonly errorClass: string;
  readonly state: string;
  readonly method: string;
  readonly destinationId: string;
  readonly collision: boolean;
  /** For a duplicate: the entry it duplicates; for a collision: the earlier entry it shares a fingerprint with (zip: entry). */
  readonly duplicateOf: string;
}

/**
 * Every line of a run, read afresh on each pass (a run of millions is never held), and, where the source
 * can pick them cheaply (the ledger, in SQL), the few lines a report file lists on its own: `only` gives
 * at least the lines of `subset` (see ledger/report-queries.ts); each file keeps its own test. A plain
 * list has no `only` and is filtered.
 */
export interface MessageLines extends Iterable<MessageLine> {
  only?(subset: MessageSubset): Iterable<MessageLine>;
}

/** The lines of `subset`, or every line where the source cannot pick them. */
export function linesOf(lines: MessageLines, subset: MessageSubset): Iterable<MessageLine> {
  return lines.only?.(subset) ?? lines;
}

export interface RunReport {
  readonly mode: RunMode;
  readonly generatedAt: string;
  readonly totals: Counts;
  readonly zips: readonly ZipReport[];
  readonly folders: readonly FolderReport[];
  readonly spamByRule: Readonly<Record<string, number>>;
  /** Messages per year of their date ('undated' for none), for the bar chart. */
  readonly messagesPerYear: Readonly<Record<string, number>>;
  readonly methods: Readonly<Record<string, number>>;
  /**
   * Mailboxes the tenant does not have, or that stopped in the run (full, refused, the credential
   * refused), with the wanted messages that failed for that reason and the sentence that says so. Empty
   * when every mailbox was there and went on (and always without a tenant).
   */
  readonly missingMailboxes: readonly MissingMailbox[];
  /**
   * Messages per way they were dated (message/types.ts DateSource): 'date' (the Date header),
   * 'date-assumed-zone' (the Date header, its zone missing or unknown and read as UTC), 'received', 'none'.
   */
  readonly datesBySource: Readonly<Record<string, number>>;
  /**
   * `--wait-for-exports`: the map rows whose WorkMail export will not come (its job failed, was cancelled
   * or refused, or its zip is not where the job said), so their mailboxes were not imported. Absent otherwise.
   */
  readonly exportsNotLanded?: readonly ExportNotLanded[];
  /** Dry run only: the estate plan (`eml-import plan --json`'s object) for the run's --parallel on one machine. */
  readonly plan?: object;
  /** `--shard` runs: the shard and the estate's assignment, so `report merge` can tell what no report covers. */
  readonly shard?: ShardRecord;
}

export interface MissingMailbox {
  readonly mailbox: string;
  readonly messages: number;
  readonly reason: string;
}

/** Imported by this run: what was uploaded now (the rest of `imported` an earlier run did). */
export function importedThisRun(c: Counts): number {
  return c.imported - c.importedEarlier;
}

export function emptyCounts(): Counts {
  return {
    messages: 0,
    importable: 0,
    spam: 0,
    duplicates: 0,
    collisions: 0,
    calendar: 0,
    undated: 0,
    unreadable: 0,
    excluded: 0,
    bytes: 0,
    imported: 0,
    importedEarlier: 0,
    alreadyPresent: 0,
    failed: 0,
    pending: 0,
    headerDefects: 0,
  };
}

/** The report's folders grouped by zip label, in report order: one pass, however many zips. */
export function foldersByZip(report: RunReport): Map<string, FolderReport[]> {
  const byZip = new Map<string, FolderReport[]>();
  for (const folder of report.folders) {
    const list = byZip.get(folder.zip);
    if (list) list.push(folder);
    else byZip.set(folder.zip, [folder]);
  }
  return byZip;
}
