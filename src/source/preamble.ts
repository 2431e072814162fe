/**
 * What tools put before a message's first header field that RFC 5322 does not allow there, and that is
 * not part of the message: a UTF-8 byte-order mark, a leading mbox `From ` separator line (or one escaped
 * as `>From `), and blank lines (a leading CRLF, LF or CR is a common artifact of tools that write .eml
 * files). One rule for the three readers that must agree on it: sniffing (sniff.ts), the header reader
 * (message/header-block.ts) and the bytes uploaded (message/prepare-upload.ts). Pure.
 */

const CR = 0x0d;
const LF = 0x0a;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const MBOX_FROM = Buffer.from('From ', 'latin1');
const ESCAPED_MBOX_FROM = Buffer.from('>From ', 'latin1');

function startsWithAt(buf: Buffer, at: number, prefix: Buffer): boolean {
  return buf.subarray(at, at + prefix.length).equals(prefix);
}

/**
 * `From : ann@example.com` is the From header field in RFC 5322's obsolete syntax (§4.5.3, obs-from: "From"
 * *WSP ":"), which old mailers wrote; an mbox separator is `From ` and an envelope sender, never a colon.
 */
function isObsoleteFromField(buf: Buffer, at: number): boolean {
  let i = at + 'From'.length;
  while (buf[i] === 0x20 || buf[i] === 0x09) i += 1;
  return buf[i] === 0x3a;
}

/** Past a run of line endings (CRLF, LF or CR alone), from `at` on. */
function afterBlankLines(buf: Buffer, at: number): number {
  while (at < buf.length && (buf[at] === CR || buf[at] === LF)) at += 1;
  return at;
}

/**
 * The offset just past the preamble: a BOM, then blank lines, an mbox `From ` or `>From ` line (ended by
 * CRLF, LF or CR alone: a file with old Mac line endings has no LF at all) and blank lines again, each
 * optional. 0 when there is none. Whatever follows is the message, whether or not it starts with a field.
 */
export function preambleEnd(buf: Buffer): number {
  let at = startsWithAt(buf, 0, UTF8_BOM) ? UTF8_BOM.length : 0;
  at = afterBlankLines(buf, at);
  if ((startsWithAt(buf, at, MBOX_FROM) && !isObsoleteFromField(buf, at)) || startsWithAt(buf, at, ESCAPED_MBOX_FROM)) {
    const lf = buf.indexOf(LF, at);
    const cr = buf.indexOf(CR, at);
    const eol = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
    if (eol === -1) return buf.length;
    at = afterBlankLines(buf, eol);
  }
  return at;
}
