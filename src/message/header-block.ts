/**
 * Finding and splitting the header block of an RFC 5322 message, tolerant of what real exports hold:
 * CRLF, LF or CR-only line endings, folded lines, NUL bytes, a missing blank line before the body,
 * a preamble before the first field (a UTF-8 byte order mark, blank lines, a leading mbox "From " or
 * ">From " line: source/preamble.ts, shared with sniffing and upload), and lines inside the block that are
 * not fields.
 */
import { preambleEnd } from '../source/preamble.js';

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

/** How the header block ended. */
export type HeaderTerminator =
  /** The blank line RFC 5322 requires. */
  | 'blank-line'
  /**
   * A line that is neither a header field nor a continuation, with no blank line anywhere after it: the
   * body starts there, with no separator.
   */
  | 'non-header-line'
  /** The buffer ended inside the headers: a caller holding only a prefix of the entry should read more. */
  | 'end-of-input'
  /** MAX_HEADER_BLOCK_BYTES was reached. */
  | 'size-limit';

export interface HeaderBounds {
  /** Where the first header field starts (after the preamble: a BOM, blank lines, an mbox "From " line). */
  readonly start: number;
  /** Just past the last header line, its line ending included. */
  readonly end: number;
  /** Where the body starts: after the blank line, or at the first line that is not a header. */
  readonly bodyStart: number;
  readonly terminator: HeaderTerminator;
  /**
   * Lines that are neither a field nor a continuation: read past when a blank line follows (a stray mbox
   * "From " line after a few fields, a line with no field name), or where the body starts without one.
   */
  readonly defects: number;
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

/**
 * Where the next CR and LF are, from some offset on: the walk moves forward only, so each is searched for
 * once per occurrence instead of once per line (a CR-only or LF-only block would otherwise be searched to
 * its end for the missing one on every line).
 */
interface NextBreaks {
  /** Offset of the next LF at or after `lfFrom`, or -1 when there is none. */
  lf: number;
  lfFrom: number;
  cr: number;
  crFrom: number;
}

function nextBreaks(): NextBreaks {
  return { lf: -1, lfFrom: Infinity, cr: -1, crFrom: Infinity };
}

function nextLf(buf: Buffer, from: number, at: NextBreaks): number {
  if (from < at.lfFrom || (at.lf !== -1 && at.lf < from)) {
    at.lf = buf.indexOf(LF, from);
    at.lfFrom = from;
  }
  return at.lf;
}

function nextCr(buf: Buffer, from: number, at: NextBreaks): number {
  if (from < at.crFrom || (at.cr !== -1 && at.cr < from)) {
    at.cr = buf.indexOf(CR, from);
    at.crFrom = from;
  }
  return at.cr;
}

/** Reads one line, looking no further than `scanEnd` (a line running past it ends there, unterminated). */
function readLine(buf: Buffer, start: number, scanEnd: number = buf.length, at: NextBreaks = nextBreaks()): Line {
  // native searches: a byte loop in JS costs more than the whole rest of the header parse
  let lf = nextLf(buf, start, at);
  if (lf === -1 || lf > scanEnd) lf = scanEnd;
  const cr = nextCr(buf, start, at);
  if (cr !== -1 && cr < lf) {
    return { start, contentEnd: cr, next: buf[cr + 1] === LF ? cr + 2 : cr + 1 };
  }
  if (lf < scanEnd) return { start, contentEnd: lf, next: lf + 1 };
  // cut short by scanEnd: report a next offset beyond it so that the caller sees the limit
  return { start, contentEnd: lf, next: lf < buf.length ? lf + 1 : lf };
}

/**
 * A field line: a name of printable ASCII without a colon, optional obsolete whitespace, then a colon.
 * The offset of the colon, or -1 for a line that is not a field line.
 */
function fieldColon(buf: Buffer, line: Line): number {
  let i = line.start;
  while (i < line.contentEnd) {
    const c = buf[i]!;
    if (c === COLON) return i > line.start ? i : -1;
    if (c === SP || c === HTAB) break;
    if (c < 0x21 || c > 0x7e) return -1;
    i++;
  }
  // obs-optional: "Subject  : x" — whitespace is allowed only between the name and the colon
  const nameEnd = i;
  while (i < line.contentEnd && (buf[i] === SP || buf[i] === HTAB)) i++;
  return nameEnd > line.start && i < line.contentEnd && buf[i] === COLON ? i : -1;
}

/** Receives the fields of a header block as offsets into its buffer, in order of appearance. */
export interface HeaderFieldSink {
  /**
   * One field: its name is `buf[start, nameEnd)` (printable ASCII, obsolete whitespace before the colon
   * excluded) and its raw value `buf[colon + 1, end)`, folding line breaks included.
   */
  field(buf: Buffer, start: number, nameEnd: number, colon: number, end: number): void;
}

function emit(buf: Buffer, sink: HeaderFieldSink, start: number, colon: number, end: number): void {
  let nameEnd = colon;
  while (buf[nameEnd - 1] === SP || buf[nameEnd - 1] === HTAB) nameEnd--;
  sink.field(buf, start, nameEnd, colon, end);
}

class FieldList implements HeaderFieldSink {
  readonly fields: RawHeaderField[] = [];

  field(buf: Buffer, start: number, nameEnd: number, colon: number, end: number): void {
    this.fields.push({ name: buf.toString('latin1', start, nameEnd), value: buf.subarray(colon + 1, end) });
  }
}

/**
 * Whether a blank line comes before `limit`, from `pos` on: it decides whether a line that is not a field
 * is a defect inside the header block or the first line of a body written without a separator.
 */
function blankLineAhead(buf: Buffer, pos: number, scanEnd: number, limit: number): boolean {
  const breaks = nextBreaks();
  while (pos < buf.length) {
    const line = readLine(buf, pos, scanEnd, breaks);
    if (line.contentEnd === line.start) return true;
    if (line.next > limit) return false;
    pos = line.next;
  }
  return false;
}

/**
 * Walks the header lines, giving each field to `sink` when there is one. A line that is not a field does
 * not end the block when a blank line follows: like Python's parser with a misplaced "From " line, the walk
 * counts it as a defect and reads on, so a message with a stray line after its first few fields keeps its
 * Subject, Date and Message-ID.
 */
function walk(buf: Buffer, sink?: HeaderFieldSink): HeaderBounds {
  // no closures: this runs once per message, and allocating them cost more than a short header's walk
  const start = preambleEnd(buf);
  const limit = Math.min(buf.length, start + MAX_HEADER_BLOCK_BYTES);
  const scanEnd = Math.min(buf.length, limit + 1);
  const breaks = nextBreaks();
  let pos = start;
  let fieldStart = -1;
  let fieldColonAt = -1;
  let fieldEnd = start;
  let end = -1;
  let bodyStart = -1;
  let terminator: HeaderTerminator = 'end-of-input';
  let defects = 0;
  let blankAhead = false;
  while (pos < buf.length) {
    // scanning one byte past the limit is enough to know a line does not fit, however long it is
    const line = readLine(buf, pos, scanEnd, breaks);
    if (line.contentEnd === line.start) {
      end = pos;
      bodyStart = line.next;
      terminator = 'blank-line';
      break;
    }
    if (line.next > limit) {
      end = pos;
      bodyStart = pos;
      terminator = 'size-limit';
      break;
    }
    const first = buf[line.start];
    if (first === SP || first === HTAB) {
      // a continuation; one before any field is stray whitespace and stays inside the block
      fieldEnd = line.contentEnd;
    } else {
      const colon = fieldColon(buf, line);
      if (colon === -1) {
        defects++;
        blankAhead ||= blankLineAhead(buf, line.next, scanEnd, limit);
        if (!blankAhead) {
          end = pos;
          bodyStart = pos;
          terminator = 'non-header-line';
          break;
        }
        // the field before it ends here; continuation lines after it belong to no field
        if (fieldStart !== -1 && sink) emit(buf, sink, fieldStart, fieldColonAt, fieldEnd);
        fieldStart = -1;
        pos = line.next;
        continue;
      }
      if (fieldStart !== -1 && sink) emit(buf, sink, fieldStart, fieldColonAt, fieldEnd);
      fieldStart = line.start;
      fieldColonAt = colon;
      fieldEnd = line.contentEnd;
    }
    pos = line.next;
  }
  if (end === -1) {
    end = pos;
    bodyStart = pos;
  }
  if (fieldStart !== -1 && sink) emit(buf, sink, fieldStart, fieldColonAt, fieldEnd);
  return { start, end, bodyStart, terminator, defects };
}

/** Locates the header block without splitting it. */
export function findHeaderEnd(buf: Buffer): HeaderBounds {
  return walk(buf);
}

/** Splits the header block into raw fields, in order of appearance. */
export function splitHeaderBlock(buf: Buffer): HeaderBlock {
  const list = new FieldList();
  const bounds = walk(buf, list);
  return { bounds, fields: list.fields };
}

/** Walks the header block, giving each field to `sink` as offsets (no copies, no decoding). */
export function walkHeaderFields(buf: Buffer, sink: HeaderFieldSink): HeaderBounds {
  return walk(buf, sink);
}
