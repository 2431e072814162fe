/**
 * The CSV files of a report directory. Every cell passes through one guard: subjects, senders and folder
 * names come from the mail, so a cell that a spreadsheet would run as a formula is defused first.
 */
import { stringify } from 'csv-stringify/sync';
import type { MessageLine } from './model.js';

type Value = string | number | boolean;

// OWASP's list: a spreadsheet treats a cell starting with any of these as a formula (tab and CR included,
// some importers strip them and then see the next character).
const FORMULA_START = /^[=+\-@\t\r]/;

/** Prefixes an apostrophe to a string a spreadsheet would evaluate. Numbers stay numbers. */
export function defuse(value: Value): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** Records per chunk: big enough that stringify's per-call cost vanishes, small next to a whole file. */
const RECORDS_PER_CHUNK = 1000;

/**
 * The CSV text in chunks, never as one string: a run of a few million messages makes a messages.csv
 * longer than the longest string V8 can hold (about 512 MiB), and a file need never be held whole.
 */
function* toCsv(header: readonly string[], rows: Iterable<readonly Value[]>): Generator<string> {
  const chunk: string[][] = [header.map(defuse)];
  for (const row of rows) {
    chunk.push(row.map(defuse));
    if (chunk.length >= RECORDS_PER_CHUNK) yield stringify(chunk.splice(0), { record_delimiter: '\n' });
  }
  if (chunk.length > 0) yield stringify(chunk, { record_delimiter: '\n' });
}

function* rowsOf(lines: Iterable<MessageLine>, keep: (line: MessageLine) => boolean, row: (line: MessageLine) => Value[]): Generator<Value[]> {
  for (const line of lines) if (keep(line)) yield row(line);
}

const every = (): boolean => true;

const MESSAGE_COLUMNS = [
  'zip', 'entry', 'folder', 'subject', 'from', 'date', 'messageId', 'fingerprint', 'size', 'verdict', 'rule', 'error',
  'target', 'state', 'method', 'destinationId', 'collision', 'duplicateOf',
] as const;

/** messages.csv: one row per zip entry, whatever became of it. */
export function messagesCsv(lines: readonly MessageLine[]): Iterable<string> {
  return toCsv(MESSAGE_COLUMNS, rowsOf(lines, every, (l) => MESSAGE_COLUMNS.map((c) => (c === 'target' ? (l.target ?? '') : l[c]))));
}

/** spam.csv: the messages a spam rule dropped, with the rule. */
export function spamCsv(lines: readonly MessageLine[]): Iterable<string> {
  return toCsv(
    ['zip', 'entry', 'folder', 'subject', 'from', 'date', 'messageId', 'size', 'rule'],
    rowsOf(lines, (l) => l.verdict === 'spam', (l) => [l.zip, l.entry, l.folder, l.subject, l.from, l.date, l.messageId, l.size, l.rule]),
  );
}

const lineKey = (zip: string, entry: string): string => `${zip}: ${entry}`;

function duplicateReason(copy: MessageLine, original: MessageLine | undefined): string {
  if (!original) return 'same fingerprint';
  if (copy.messageId === '' && original.messageId === '') return 'same fingerprint, Message-ID missing on both';
  if (copy.messageId === '' || original.messageId === '') return 'same fingerprint, Message-ID missing on one';
  if (copy.messageId === original.messageId) return 'same fingerprint and same Message-ID';
  // Not produced by policy/duplicates.ts today; said plainly rather than guessed.
  return 'same fingerprint';
}

/**
 * The kept message a collision was reported against: the group's first message, i.e. an importable,
 * non-colliding message with the same fingerprint and target. The model records only the flag, not the
 * partner, so it is found again here; one in the same zip is preferred, since MessageLine does not say
 * which mailbox a target folder belongs to.
 */
function collisionPartners(lines: readonly MessageLine[]): Map<MessageLine, MessageLine> {
  const sameZip = new Map<string, MessageLine>();
  const anyZip = new Map<string, MessageLine>();
  const groupKey = (l: MessageLine): string => `${l.target ?? l.folder}\u0000${l.fingerprint}`;
  for (const l of lines) {
    if (l.verdict !== 'importable' || l.collision || l.fingerprint === '') continue;
    const key = groupKey(l);
    if (!sameZip.has(`${l.zip}\u0000${key}`)) sameZip.set(`${l.zip}\u0000${key}`, l);
    if (!anyZip.has(key)) anyZip.set(key, l);
  }
  const partners = new Map<MessageLine, MessageLine>();
  for (const l of lines) {
    if (!l.collision) continue;
    const first = sameZip.get(`${l.zip}\u0000${groupKey(l)}`) ?? anyZip.get(groupKey(l));
    if (first) partners.set(l, first);
  }
  return partners;
}

const DUPLICATE_COLUMNS = [
  'kind', 'zip', 'entry', 'folder', 'subject', 'date', 'messageId', 'fingerprint',
  'originalZip', 'originalEntry', 'originalFolder', 'originalSubject', 'originalDate', 'originalMessageId', 'reason',
] as const;

/**
 * duplicates.csv: both copies and why. A duplicate row names the copy that was dropped and the original
 * that was kept; a collision row names two messages that share a fingerprint but not a Message-ID, both kept.
 */
export function duplicatesCsv(lines: readonly MessageLine[]): Iterable<string> {
  const byKey = new Map(lines.map((l) => [lineKey(l.zip, l.entry), l]));
  const partners = collisionPartners(lines);
  const pair = (kind: string, copy: MessageLine, original: MessageLine | undefined, originalKey: string, reason: string): Value[] => [
    kind, copy.zip, copy.entry, copy.folder, copy.subject, copy.date, copy.messageId, copy.fingerprint,
    original?.zip ?? '', original?.entry ?? originalKey, original?.folder ?? '', original?.subject ?? '',
    original?.date ?? '', original?.messageId ?? '', reason,
  ];
  const rows: Value[][] = [];
  for (const l of lines) {
    if (l.verdict === 'duplicate') {
      const original = byKey.get(l.duplicateOf);
      rows.push(pair('duplicate', l, original, l.duplicateOf, duplicateReason(l, original)));
    } else if (l.collision) {
      rows.push(pair('collision', l, partners.get(l), '', 'same fingerprint, different Message-IDs: both kept'));
    }
  }
  return toCsv(DUPLICATE_COLUMNS, rows);
}

/** failed.csv: wanted messages the destination refused, with the last error. */
export function failedCsv(lines: readonly MessageLine[]): Iterable<string> {
  return toCsv(
    ['zip', 'entry', 'folder', 'subject', 'date', 'messageId', 'error', 'errorClass', 'destinationId'],
    rowsOf(lines, (l) => l.state === 'failed', (l) => [l.zip, l.entry, l.folder, l.subject, l.date, l.messageId, l.error, l.errorClass, l.destinationId]),
  );
}

/** imported.csv: where each message went, for audits and for finding one message again. */
export function importedCsv(lines: readonly MessageLine[]): Iterable<string> {
  return toCsv(
    ['zip', 'entry', 'folder', 'target', 'method', 'destinationId'],
    rowsOf(lines, (l) => l.state === 'imported', (l) => [l.zip, l.entry, l.folder, l.target ?? '', l.method, l.destinationId]),
  );
}
