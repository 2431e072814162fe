/**
 * Finding and splitting the header block of an RFC 5322 message, tolerant of what real exports hold:
 * CRLF, LF or CR-only line endings, folded lines, NUL bytes, a missing blank line before the body,
 * a leading mbox "From " line and a UTF-8 byte order mark.
 */

/**
 * Header blocks larger than this are cut at the last whole line below it. Real Exchange headers with long
 * Received/ARC/DKIM chains reach tens of KB; 1 MiB is far beyond any genuine header and bounds the work a
 * hostile or broken entry (a body with no blank line, a binary file) can cause.
 */
export const MAX_HEADER_BLOCK_BYTES = 1024 * 1024;

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HTAB = 0x09;
const COLON = 0x3a;

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const MBOX_FROM = Buffer.from('From ', 'latin1');

/** How the header block ended. */
export type HeaderTerminator =
  /** The blank line RFC 5322 requires. */
  | 'blank-line'
  /** A line that is neither a header field nor a continuation: the body starts there, with no separator. */
  | 'non-header-line'
  /** The buffer ended inside the headers: a caller holding only a prefix of the entry should read more. */
  | 'end-of-input'
  /** MAX_HEADER_BLOCK_BYTES was reached. */
  | 'size-limit';

export interface HeaderBounds {
  /** Where the first header field starts (after a BOM or an mbox "From " line). */
  readonly start: number;
  /** Just past the last header line, its line ending included. */
  readonly end: number;
  /** Where the body starts: after the blank line, or at the first line that is not a header. */
  readonly bodyStart: number;
  readonly terminator: HeaderTerminator;
}

export interface RawHeaderField {
  /** The field name as written (trimmed, latin1). */
  readonly name: string;
  /** The raw bytes after the colon, folding line breaks included, not decoded. */
  readonly value: Buffer;
}

export interface HeaderBlock {
  readonly bounds: HeaderBounds;
  readonly fields: readonly RawHeaderField[];
}

interface Line {
  /** Offset of the first byte of the line. */
  readonly start: number;
  /** Offset just past the line's content (before its line ending). */
  readonly contentEnd: number;
  /** Offset of the next line. */
  readonly next: number;
}

/** Reads one line, looking no further than `scanEnd` (a line running past it ends there, unterminated). */
function readLine(buf: Buffer, start: number, scanEnd: number = buf.length): Line {
  // native searches: a byte loop in JS costs more than the whole rest of the header parse
  let lf = buf.indexOf(LF, start);
  if (lf === -1 || lf > scanEnd) lf = scanEnd;
  const cr = buf.subarray(start, lf).indexOf(CR);
  if (cr !== -1) {
    const at = start + cr;
    return { start, contentEnd: at, next: buf[at + 1] === LF ? at + 2 : at + 1 };
  }
  if (lf < scanEnd) return { start, contentEnd: lf, next: lf + 1 };
  // cut short by scanEnd: report a next offset beyond it so that the caller sees the limit
  return { start, contentEnd: lf, next: lf < buf.length ? lf + 1 : lf };
}

/** A field line: a name of printable ASCII without a colon, optional obsolete whitespace, then a colon. */
function isFieldLine(buf: Buffer, line: Line): boolean {
  let i = line.start;
  while (i < line.contentEnd) {
    const c = buf[i]!;
    if (c === COLON) return i > line.start;
    if (c === SP || c === HTAB) break;
    if (c < 0x21 || c > 0x7e) return false;
    i++;
  }
  // obs-optional: "Subject  : x" — whitespace is allowed only between the name and the colon
  const nameEnd = i;
  while (i < line.contentEnd && (buf[i] === SP || buf[i] === HTAB)) i++;
  return nameEnd > line.start && i < line.contentEnd && buf[i] === COLON;
}

function skipPreamble(buf: Buffer): number {
  let start = 0;
  if (buf.subarray(0, UTF8_BOM.length).equals(UTF8_BOM)) start = UTF8_BOM.length;
  if (buf.subarray(start, start + MBOX_FROM.length).equals(MBOX_FROM)) start = readLine(buf, start).next;
  return start;
}

/** Walks the header lines, calling `onField` with each field's first line and the end of its last line. */
function walk(buf: Buffer, onField?: (first: Line, end: number) => void): HeaderBounds {
  const start = skipPreamble(buf);
  const limit = Math.min(buf.length, start + MAX_HEADER_BLOCK_BYTES);
  let pos = start;
  let current: Line | null = null;
  let currentEnd = start;
  const flush = (): void => {
    if (current && onField) onField(current, currentEnd);
    current = null;
  };
  const finish = (end: number, bodyStart: number, terminator: HeaderTerminator): HeaderBounds => {
    flush();
    return { start, end, bodyStart, terminator };
  };
  while (pos < buf.length) {
    // scanning one byte past the limit is enough to know a line does not fit, however long it is
    const line = readLine(buf, pos, Math.min(buf.length, limit + 1));
    if (line.contentEnd === line.start) return finish(pos, line.next, 'blank-line');
    if (line.next > limit) return finish(pos, pos, 'size-limit');
    const first = buf[line.start];
    if (first === SP || first === HTAB) {
      // a continuation; one before any field is stray whitespace and stays inside the block
      currentEnd = line.contentEnd;
    } else if (isFieldLine(buf, line)) {
      flush();
      current = line;
      currentEnd = line.contentEnd;
    } else {
      return finish(pos, pos, 'non-header-line');
    }
    pos = line.next;
  }
  return finish(pos, pos, 'end-of-input');
}

/** Locates the header block without splitting it. */
export function findHeaderEnd(buf: Buffer): HeaderBounds {
  return walk(buf);
}

/** Splits the header block into raw fields, in order of appearance. */
export function splitHeaderBlock(buf: Buffer): HeaderBlock {
  const fields: RawHeaderField[] = [];
  const bounds = walk(buf, (first, end) => {
    const colon = buf.indexOf(COLON, first.start);
    fields.push({
      name: buf.toString('latin1', first.start, colon).trim(),
      value: buf.subarray(colon + 1, end),
    });
  });
  return { bounds, fields };
}
