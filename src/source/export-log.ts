/** The WorkMail export log: parsing it, and checking it against what the scan saw. Pure. */
import type { EntryKind, ExportLog } from './types.js';

const COUNT_FIELDS = ['totalMessages', 'totalBytes', 'totalFolders', 'totalNonExportableItems'] as const;

/**
 * Parses a JSON export log. The documented example carries its counts as strings ("76"); numbers are
 * accepted too. Returns a reason string when the bytes are not a JSON object with at least one count.
 */
export function parseExportLog(bytes: Buffer, entryName: string): ExportLog | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    return `not valid JSON: ${(error as Error).message}`;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return 'JSON but not an object';
  const raw = parsed as Record<string, unknown>;
  const counts: { -readonly [K in (typeof COUNT_FIELDS)[number]]?: number } = {};
  for (const field of COUNT_FIELDS) {
    const value = toCount(raw[field]);
    if (value !== undefined) counts[field] = value;
  }
  if (Object.keys(counts).length === 0) return 'a JSON object without export-log counts (totalMessages, totalBytes, totalFolders)';
  return { entryName, ...counts, raw };
}

function toCount(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : undefined;
  }
  return undefined;
}

/** What the scan saw, in the export log's terms (see ExportLogTally for the definitions). */
export interface ObservedTotals {
  readonly messages: number;
  readonly bytes: number;
  readonly folders: number;
}

/**
 * A sentence for each count that differs from the log; empty when they agree (or the log is silent).
 * Notes for a cross-check, not errors: what WorkMail counts is a guess (see ExportLogTally).
 */
export function checkExportLog(log: ExportLog, observed: ObservedTotals): string[] {
  const notes: string[] = [];
  const compare = (field: string, logged: number | undefined, seen: number, what: string): void => {
    if (logged === undefined || logged === seen) return;
    notes.push(`export log ${log.entryName} says ${field} is ${logged}; the zip ${what} ${seen}`);
  };
  compare('totalMessages', log.totalMessages, observed.messages, 'holds messages and calendar items:');
  compare('totalBytes', log.totalBytes, observed.bytes, 'holds bytes of them:');
  compare('totalFolders', log.totalFolders, observed.folders, 'names folders:');
  return notes;
}

/**
 * THE definition of the observed totals, in one place because WorkMail's meaning is unverified (nobody has
 * published it; change it here when a real export shows otherwise):
 * - messages: entries sniffed as a message or a calendar item (the export holds "email messages and
 *   calendar items"); unreadable entries and the log itself don't count;
 * - bytes: the sum of those entries' uncompressed sizes (from the central directory);
 * - folders: every folder the zip names, empty parents and directory entries included (NamedFolders in
 *   named-folders.ts: counting only folders that hold messages gave a false mismatch for `Archive/`
 *   above `Archive/2019/`).
 */
export class ExportLogTally {
  private messages = 0;
  private bytes = 0;

  add(kind: EntryKind | undefined, uncompressedSize: number): void {
    if (kind !== 'message' && kind !== 'calendar') return;
    this.messages += 1;
    this.bytes += uncompressedSize;
  }

  /** The totals, with the folder count from countNamedFolders (a walk of the names only). */
  observed(namedFolders: number): ObservedTotals {
    return { messages: this.messages, bytes: this.bytes, folders: namedFolders };
  }
}
