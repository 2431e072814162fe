/**
 * How a batch of entries and its outcomes cross between the main thread and a read worker: as a few flat
 * arrays rather than an array of objects. Structured cloning walks every object and property on both
 * sides, and the main thread is the one every entry waits on; here numbers go in one Float64Array (handed
 * over), header blocks in one buffer (handed over), and the rare strings (names, errors, reasons) in plain
 * string arrays, which clone cheaply. (A CPU profile made with --cpu-prof on a loaded machine charged
 * postMessage with far more than this saves: its samples are wall-clock time, see bench/issue-13-results.md.)
 */
import type { CentralEntry } from './central-directory.js';
import type { EntryOutcome } from './read-entry.js';
import type { EntryKind, ExportLog } from './types.js';

/** A batch of central-directory records, flattened. */
export interface EncodedEntries {
  readonly numbers: Float64Array;
  readonly names: readonly string[];
  /** `problem` of the records that have one, by position in the batch. */
  readonly problems: readonly (readonly [number, string])[];
}

const ENTRY_FIELDS = 8;

export function encodeEntries(entries: readonly CentralEntry[]): EncodedEntries {
  const numbers = new Float64Array(entries.length * ENTRY_FIELDS);
  const names: string[] = [];
  const problems: [number, string][] = [];
  entries.forEach((e, i) => {
    numbers.set([e.index, e.flags, e.compressionMethod, e.crc32, e.compressedSize, e.uncompressedSize, e.localHeaderOffset, e.centralVariableLength], i * ENTRY_FIELDS);
    names.push(e.name);
    if (e.problem !== undefined) problems.push([i, e.problem]);
  });
  return { numbers, names, problems };
}

export function decodeEntries(encoded: EncodedEntries): CentralEntry[] {
  const problems = new Map(encoded.problems);
  return encoded.names.map((name, i): CentralEntry => {
    const n = encoded.numbers;
    const at = i * ENTRY_FIELDS;
    const problem = problems.get(i);
    return {
      index: n[at]!,
      name,
      flags: n[at + 1]!,
      compressionMethod: n[at + 2]!,
      crc32: n[at + 3]!,
      compressedSize: n[at + 4]!,
      uncompressedSize: n[at + 5]!,
      localHeaderOffset: n[at + 6]!,
      centralVariableLength: n[at + 7]!,
      ...(problem === undefined ? {} : { problem }),
    };
  });
}

/** A batch's outcomes, flattened: per entry a kind code, the verified flag and its header block's length. */
export interface EncodedOutcomes {
  /** Per entry: kind code (FAILED for read.ok = false), verified (0/1), header block bytes. */
  readonly numbers: Int32Array;
  /** The header blocks one after another; handed over, not copied. */
  readonly heads: ArrayBuffer;
  /** read.error of a failed entry, read.reason of an unreadable one, by position. */
  readonly texts: readonly (readonly [number, string])[];
  readonly exportLogs: readonly (readonly [number, ExportLog])[];
}

const KINDS: readonly EntryKind[] = ['message', 'calendar', 'export-log', 'unreadable'];
const FAILED = -1;
const OUTCOME_FIELDS = 3;

export function encodeOutcomes(outcomes: readonly EntryOutcome[]): EncodedOutcomes {
  let bytes = 0;
  for (const outcome of outcomes) if (outcome.read.ok) bytes += outcome.read.head.length;
  const heads = Buffer.allocUnsafeSlow(bytes);
  const numbers = new Int32Array(outcomes.length * OUTCOME_FIELDS);
  const texts: [number, string][] = [];
  const exportLogs: [number, ExportLog][] = [];
  let at = 0;
  outcomes.forEach((outcome, i) => {
    const { read } = outcome;
    if (!read.ok) {
      numbers[i * OUTCOME_FIELDS] = FAILED;
      texts.push([i, read.error]);
      return;
    }
    at += read.head.copy(heads, at);
    numbers[i * OUTCOME_FIELDS] = KINDS.indexOf(read.kind);
    numbers[i * OUTCOME_FIELDS + 1] = read.verified ? 1 : 0;
    numbers[i * OUTCOME_FIELDS + 2] = read.head.length;
    if (read.reason !== undefined) texts.push([i, read.reason]);
    if (outcome.exportLog !== undefined) exportLogs.push([i, outcome.exportLog]);
  });
  return { numbers, heads: heads.buffer as ArrayBuffer, texts, exportLogs };
}

export function decodeOutcomes(encoded: EncodedOutcomes): EntryOutcome[] {
  const texts = new Map(encoded.texts);
  const logs = new Map(encoded.exportLogs);
  const outcomes: EntryOutcome[] = [];
  let at = 0;
  for (let i = 0; i * OUTCOME_FIELDS < encoded.numbers.length; i++) {
    const code = encoded.numbers[i * OUTCOME_FIELDS]!;
    const text = texts.get(i);
    if (code === FAILED) {
      outcomes.push({ read: { ok: false, error: text ?? 'read failed' } });
      continue;
    }
    const length = encoded.numbers[i * OUTCOME_FIELDS + 2]!;
    const head = Buffer.from(encoded.heads, at, length);
    at += length;
    const read = { ok: true as const, kind: KINDS[code]!, head, verified: encoded.numbers[i * OUTCOME_FIELDS + 1] === 1, ...(text === undefined ? {} : { reason: text }) };
    const exportLog = logs.get(i);
    outcomes.push(exportLog === undefined ? { read } : { read, exportLog });
  }
  return outcomes;
}
