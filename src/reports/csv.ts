/**
 * The CSV files of a report directory. Every cell passes through one guard: subjects, senders and folder
 * names come from the mail, so a cell that a spreadsheet would run as a formula is defused first.
 */
import { linesOf, type MessageLine, type MessageLines } from './model.js';

type Value = string | number | boolean;

// OWASP's list: a spreadsheet treats a cell starting with any of these as a formula (tab and CR included,
// some importers strip them and then see the next character). Their full-width forms too (＝ ＋ － ＠,
// U+FF1D, U+FF0B, U+FF0D, U+FF20): anything on the way that folds text with NFKC (an import step, a
// Japanese input setting) turns them into the ASCII ones, and a subject can start with one as easily.
const FORMULA_START = /^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;

/** Whether a spreadsheet would take this text for a formula. */
export function looksLikeFormula(text: string): boolean {
  return FORMULA_START.test(text);
}

/** Prefixes an apostrophe to a string a spreadsheet would evaluate. Numbers stay numbers. */
export function defuse(value: Value): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return looksLikeFormula(value) ? `'${value}` : value;
}

/** Records per chunk: few writes, and a chunk is small next to a whole file. */
const RECORDS_PER_CHUNK = 1000;

const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One CSV record (RFC 4180, LF line ends): a cell holding a comma, a quote or a line break is quoted and
 * its quotes doubled. The text csv-stringify writes for these cells (test/reports/csv.test.ts holds the
 * two side by side), at a fraction of the cost: it spent 0.8 s of CPU on the 3,000,000 cells of a
 * 150,000-message messages.csv, each cell through its casting and options.
 */
export function csvRecord(cells: readonly Value[]): string {
  let record = '';
  for (let i = 0; i < cells.length; i++) {
    const cell = defuse(cells[i]!);
    if (i > 0) record += ',';
    record += NEEDS_QUOTES.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
  }
  return `${record}\n`;
}

/**
 * The CSV text in chunks, never as one string: a run of a few million messages makes a messages.csv
 * longer than the longest string V8 can hold (about 512 MiB), and a file need never be held whole.
 */
function* toCsv(header: readonly string[], rows: Iterable<readonly Value[]>): Generator<string> {
  let chunk = csvRecord(header);
  let records = 1;
  for (const row of rows) {
    chunk += csvRecord(row);
    if (++records >= RECORDS_PER_CHUNK) {
      yield chunk;
      chunk = '';
      records = 0;
    }
  }
  if (records > 0) yield chunk;
}

function* rowsOf(lines: Iterable<MessageLine>, keep: (line: MessageLine) => boolean, row: (line: MessageLine) => Value[]): Generator<Value[]> {
  for (const line of lines) if (keep(line)) yield row(line);
}

const every = (): boolean => true;

const MESSAGE_COLUMNS = [
  'zip', 'entry', 'folder', 'subject', 'from', 'date', 'messageId', 'fingerprint', 'size', 'verdict', 'rule', 'error',
  'target', 'state', 'method', 'destinationId', 'collision', 'duplicateOf', 'dateSource', 'headerDefects',
] as const;

/** messages.csv: one row per zip entry, whatever became of it. */
export function messagesCsv(lines: MessageLines): Iterable<string> {
  return toCsv(MESSAGE_COLUMNS, rowsOf(lines, every, (l) => MESSAGE_COLUMNS.map((c) => (c === 'target' ? (l.target ?? '') : l[c]))));
}

/** spam.csv: the messages a spam rule dropped, with the rule. */
export function spamCsv(lines: MessageLines): Iterable<string> {
  return toCsv(
    ['zip', 'entry', 'folder', 'subject', 'from', 'date', 'messageId', 'size', 'rule'],
    rowsOf(linesOf(lines, 'spam'), (l) => l.verdict === 'spam', (l) => [l.zip, l.entry, l.folder, l.subject, l.from, l.date, l.messageId, l.size, l.rule]),
  );
}

const lineKey = (zip: string, entry: string): string => `${zip}: ${entry}`;
const groupKey = (l: MessageLine): string => `${l.target ?? l.folder}\u0000${l.fingerprint}`;

function duplicateReason(copy: MessageLine, original: MessageLine | undefined): string {
  if (!original) return 'same fingerprint';
  if (copy.messageId === '' && original.messageId === '') return 'same fingerprint, Message-ID missing on both';
  if (copy.messageId === '' || original.messageId === '') return 'same fingerprint, Message-ID missing on one';
  if (copy.messageId === original.messageId) return 'same fingerprint and same Message-ID';
  // Not produced by policy/duplicates.ts today; said plainly rather than guessed.
  return 'same fingerprint';
}

const DUPLICATE_COLUMNS = [
  'kind', 'zip', 'entry', 'folder', 'subject', 'date', 'messageId', 'fingerprint',
  'originalZip', 'originalEntry', 'originalFolder', 'originalSubject', 'originalDate', 'originalMessageId', 'reason',
] as const;

/**
 * duplicates.csv: both copies and why. A duplicate row names the copy that was dropped and the original
 * that was kept; a collision row names two messages that share a fingerprint but not a Message-ID, both
 * kept. `lines` is read twice (the copies, then their originals), so that only the copies and their
 * partners are ever held, not every line of a run of millions.
 */
export function duplicatesCsv(lines: MessageLines): Iterable<string> {
  const copies: MessageLine[] = [];
  const wantedOriginals = new Set<string>();
  const wantedGroups = new Set<string>();
  for (const l of linesOf(lines, 'duplicates')) {
    if (l.verdict === 'duplicate') {
      copies.push(l);
      wantedOriginals.add(l.duplicateOf);
    } else if (l.collision) {
      copies.push(l);
      wantedGroups.add(groupKey(l));
    }
  }
  const originals = new Map<string, MessageLine>();
  // A collision's partner: the first importable, non-colliding message of its group (same fingerprint and
  // target), in the same zip when there is one, since MessageLine does not say which mailbox a target is of.
  const firstInZip = new Map<string, MessageLine>();
  const firstAnywhere = new Map<string, MessageLine>();
  if (copies.length > 0) {
    for (const l of linesOf(lines, 'duplicate-partners')) {
      const key = lineKey(l.zip, l.entry);
      if (wantedOriginals.has(key)) originals.set(key, l);
      if (l.verdict !== 'importable' || l.collision || l.fingerprint === '' || !wantedGroups.has(groupKey(l))) continue;
      const inZip = `${l.zip}\u0000${groupKey(l)}`;
      if (!firstInZip.has(inZip)) firstInZip.set(inZip, l);
      if (!firstAnywhere.has(groupKey(l))) firstAnywhere.set(groupKey(l), l);
    }
  }
  const pair = (kind: string, copy: MessageLine, original: MessageLine | undefined, originalKey: string, reason: string): Value[] => [
    kind, copy.zip, copy.entry, copy.folder, copy.subject, copy.date, copy.messageId, copy.fingerprint,
    original?.zip ?? '', original?.entry ?? originalKey, original?.folder ?? '', original?.subject ?? '',
    original?.date ?? '', original?.messageId ?? '', reason,
  ];
  const rows = copies.map((l): Value[] => {
    if (l.verdict === 'duplicate') {
      const original = originals.get(l.duplicateOf);
      return pair('duplicate', l, original, l.duplicateOf, duplicateReason(l, original));
    }
    const partner = firstInZip.get(`${l.zip}\u0000${groupKey(l)}`) ?? firstAnywhere.get(groupKey(l));
    return pair('collision', l, partner, '', 'same fingerprint, different Message-IDs: both kept');
  });
  return toCsv(DUPLICATE_COLUMNS, rows);
}

/** failed.csv: wanted messages the destination refused, with the last error. */
export function failedCsv(lines: MessageLines): Iterable<string> {
  return toCsv(
    ['zip', 'entry', 'folder', 'subject', 'date', 'messageId', 'error', 'errorClass', 'destinationId'],
    rowsOf(linesOf(lines, 'failed'), (l) => l.state === 'failed', (l) => [l.zip, l.entry, l.folder, l.subject, l.date, l.messageId, l.error, l.errorClass, l.destinationId]),
  );
}

/** imported.csv: where each message went, for audits and for finding one message again. */
export function importedCsv(lines: MessageLines): Iterable<string> {
  return toCsv(
    ['zip', 'entry', 'folder', 'target', 'method', 'destinationId'],
    rowsOf(linesOf(lines, 'imported'), (l) => l.state === 'imported', (l) => [l.zip, l.entry, l.folder, l.target ?? '', l.method, l.destinationId]),
  );
}
