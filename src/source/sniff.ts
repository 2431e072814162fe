/** What an entry is, judged by its first bytes rather than its name. Pure. */
import { preambleEnd } from './preamble.js';

export type Sniffed =
  | { readonly kind: 'message' }
  | { readonly kind: 'calendar' }
  /** Looks like JSON: the caller reads the whole entry and hands it to parseExportLog. */
  | { readonly kind: 'json' }
  | { readonly kind: 'unreadable'; readonly reason: string };

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
/** A header field name (RFC 5322 ftext: printable ASCII but ':'), the colon, at the start of a line. */
const FIELD_LINE = /^[!-9;-~]+[ \t]*:/;
/** A Content-Type field at the start of a line (the head ends at the blank line, so it is top-level). */
const CONTENT_TYPE_FIELD = /(?:^|\r\n|\n|\r)content-type[ \t]*:/i;
/** How much of the start we look at: a line longer than this is not a header line. */
const SNIFF_WINDOW = 4096;

/**
 * Sniffs an entry from its first bytes (its header block will do): an RFC 5322 message (the preamble of
 * preamble.ts tolerated: a BOM, blank lines, a leading mbox "From " or ">From " line), a calendar item
 * (`BEGIN:VCALENDAR`, or a message whose top-level Content-Type is text/calendar), JSON (an export log,
 * maybe), or unreadable with a reason.
 */
export function sniffContent(first: Buffer): Sniffed {
  const window = first.subarray(0, SNIFF_WINDOW);
  const bytes = window.subarray(0, 3).equals(UTF8_BOM) ? window.subarray(3) : window;
  const text = bytes.toString('latin1');
  const trimmed = text.trimStart();
  if (trimmed === '') return { kind: 'unreadable', reason: first.length === 0 ? 'empty entry' : 'only whitespace' };
  if (/^BEGIN:VCALENDAR\b/i.test(trimmed)) return { kind: 'calendar' };
  if (trimmed.startsWith('{')) return { kind: 'json' };

  // from the window's first byte, BOM included: the same preamble as the header reader and the upload skip
  const start = window.toString('latin1', preambleEnd(window));
  if (!FIELD_LINE.test(start)) {
    return { kind: 'unreadable', reason: `does not start with a header field, BEGIN:VCALENDAR or a JSON object; it starts ${preview(text)}` };
  }
  const contentType = topLevelContentType(first);
  if (contentType !== undefined && /^\s*text\/calendar\b/i.test(contentType)) return { kind: 'calendar' };
  return { kind: 'message' };
}

/** The first characters, quoted with control characters escaped, so the admin can tell what the entry is. */
function preview(text: string): string {
  const PREVIEW_CHARS = 24;
  return `${JSON.stringify(text.slice(0, PREVIEW_CHARS))}${text.length > PREVIEW_CHARS ? '…' : ''}`;
}

/** The top-level Content-Type of a header block, unfolded; enough for sniffing, not a header parser. */
function topLevelContentType(head: Buffer): string | undefined {
  const text = head.toString('latin1');
  const match = CONTENT_TYPE_FIELD.exec(text);
  if (match === null) return undefined;
  let value = '';
  let at = match.index + match[0].length;
  for (;;) {
    const eol = text.slice(at).search(/\r\n|\n|\r/);
    const line = eol === -1 ? text.slice(at) : text.slice(at, at + eol);
    value += line;
    if (eol === -1) break;
    at += eol + (text.startsWith('\r\n', at + eol) ? 2 : 1);
    if (!/^[ \t]/.test(text.slice(at, at + 1))) break; // the next field starts
    value += ' ';
  }
  return value.trim();
}
