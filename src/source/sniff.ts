/** What an entry is, judged by its first bytes rather than its name. Pure. */

export type Sniffed =
  | { readonly kind: 'message' }
  | { readonly kind: 'calendar' }
  /** Looks like JSON: the caller reads the whole entry and hands it to parseExportLog. */
  | { readonly kind: 'json' }
  | { readonly kind: 'unreadable'; readonly reason: string };

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
/** A header field name (RFC 5322 ftext: printable ASCII but ':'), the colon, at the start of a line. */
const FIELD_LINE = /^[!-9;-~]+[ \t]*:/;
/** How much of the start we look at: a line longer than this is not a header line. */
const SNIFF_WINDOW = 4096;

/**
 * Sniffs an entry from its first bytes (its header block will do): an RFC 5322 message (a leading mbox
 * "From " line and a BOM tolerated), a calendar item (`BEGIN:VCALENDAR`, or a message whose top-level
 * Content-Type is text/calendar), JSON (an export log, maybe), or unreadable with a reason.
 */
export function sniffContent(first: Buffer): Sniffed {
  let bytes = first.subarray(0, SNIFF_WINDOW);
  if (bytes.subarray(0, 3).equals(UTF8_BOM)) bytes = bytes.subarray(3);
  const text = bytes.toString('latin1');
  const trimmed = text.trimStart();
  if (trimmed === '') return { kind: 'unreadable', reason: first.length === 0 ? 'empty entry' : 'only whitespace' };
  if (/^BEGIN:VCALENDAR\b/i.test(trimmed)) return { kind: 'calendar' };
  if (trimmed.startsWith('{')) return { kind: 'json' };

  let start = text;
  if (start.startsWith('From ')) {
    const eol = start.search(/[\r\n]/);
    start = eol === -1 ? '' : start.slice(eol).replace(/^\r?\n|^\r/, '');
  }
  if (!FIELD_LINE.test(start)) {
    return { kind: 'unreadable', reason: 'does not start with a header field, BEGIN:VCALENDAR or a JSON object' };
  }
  const contentType = topLevelField(first, 'content-type');
  if (contentType !== undefined && /^\s*text\/calendar\b/i.test(contentType)) return { kind: 'calendar' };
  return { kind: 'message' };
}

/** The first field called `name` in a header block, unfolded; enough for sniffing, not a header parser. */
function topLevelField(head: Buffer, name: string): string | undefined {
  const text = head.toString('latin1');
  const lines = text.split(/\r\n|\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line === '') return undefined; // end of the header block
    const colon = line.indexOf(':');
    if (colon <= 0 || line.slice(0, colon).trim().toLowerCase() !== name) continue;
    let value = line.slice(colon + 1);
    while (i + 1 < lines.length && /^[ \t]/.test(lines[i + 1] ?? '')) value += ' ' + (lines[++i] ?? '').trim();
    return value.trim();
  }
  return undefined;
}
