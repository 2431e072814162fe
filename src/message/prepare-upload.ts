/**
 * The bytes that go to Graph: the message as exported, with only what RFC 5322 does not allow in a
 * message taken out, because Exchange's MIME reader chokes on it (the emulator shows the same): the
 * preamble before the first header field (source/preamble.ts: a UTF-8 byte-order mark, blank lines, a
 * leading mbox `From ` or `>From ` separator line), and line endings other than CRLF (unless a part is
 * sent as binary).
 * Everything else, every header and every body byte, is left exactly as it was.
 *
 * A CR alone is a line ending only in a file that has no LF at all (old Mac line endings). In a message
 * whose lines end in LF or CRLF, a CR alone is a byte inside a line: RFC 5322 does not allow it, but it is
 * what the sender signed, and DKIM (simple and relaxed) and S/MIME both hash it as it stands, so turning
 * it into CRLF breaks the signature (the corpus has such messages: flanker's dkim/email.25.eml).
 */

import { preambleEnd } from '../source/preamble.js';

const CR = 0x0d;
const LF = 0x0a;

/** The message from its first header field on: the same preamble as sniffing and the header reader skip. */
function withoutPreamble(mime: Buffer): Buffer {
  const start = preambleEnd(mime);
  return start === 0 ? mime : mime.subarray(start);
}

/**
 * Line ends that are not CRLF (an LF without its CR, a CR without its LF), found with native searches from
 * line end to line end: nearly every message is CRLF already, and a JavaScript loop over every byte of
 * every message was 3 % of an estate import's CPU (perf, bench:estate at 32 mailboxes); this is about a
 * third of that loop's time.
 */
export function bareLineEnds(mime: Buffer): number {
  let bare = 0;
  let cr = mime.indexOf(CR);
  for (let lf = mime.indexOf(LF); lf !== -1; lf = mime.indexOf(LF, lf + 1)) {
    // A CR before this LF but not right before it is followed by something other than LF.
    while (cr !== -1 && cr < lf - 1) {
      bare += 1;
      cr = mime.indexOf(CR, cr + 1);
    }
    if (cr !== -1 && cr === lf - 1) cr = mime.indexOf(CR, lf + 1);
    else bare += 1;
  }
  for (; cr !== -1; cr = mime.indexOf(CR, cr + 1)) bare += 1;
  return bare;
}

/**
 * CR alone and LF alone become CRLF; a message already in CRLF comes back as the same Buffer. The text
 * between line ends is copied natively, a line at a time: a byte-by-byte loop was 4 % of the importer's
 * CPU on the corpus, whose messages mostly have LF line ends (perf, bench:estate --corpus).
 */
function crlf(mime: Buffer): Buffer {
  const bare = bareLineEnds(mime);
  if (bare === 0) return mime;
  const out = Buffer.allocUnsafe(mime.length + bare);
  let o = 0;
  let from = 0;
  let cr = mime.indexOf(CR);
  let lf = mime.indexOf(LF);
  while (cr !== -1 || lf !== -1) {
    const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
    // The line with its ending: CRLF as it is, CR or LF alone written as CRLF.
    const crlfEnd = end === cr && lf === cr + 1;
    o += mime.copy(out, o, from, end);
    out[o++] = CR;
    out[o++] = LF;
    from = crlfEnd ? end + 2 : end + 1;
    if (cr !== -1 && cr < from) cr = mime.indexOf(CR, from);
    if (lf !== -1 && lf < from) lf = mime.indexOf(LF, from);
  }
  o += mime.copy(out, o, from);
  return out.subarray(0, o);
}

/** LF alone becomes CRLF; a CR alone stays, as a byte of its line. The same Buffer when there is none. */
function lfToCrlf(mime: Buffer): Buffer {
  let bare = 0;
  for (let lf = mime.indexOf(LF); lf !== -1; lf = mime.indexOf(LF, lf + 1)) if (lf === 0 || mime[lf - 1] !== CR) bare += 1;
  if (bare === 0) return mime;
  const out = Buffer.allocUnsafe(mime.length + bare);
  let o = 0;
  let from = 0;
  for (let lf = mime.indexOf(LF); lf !== -1; lf = mime.indexOf(LF, lf + 1)) {
    if (lf > 0 && mime[lf - 1] === CR) continue;
    o += mime.copy(out, o, from, lf);
    out[o++] = CR;
    out[o++] = LF;
    from = lf + 1;
  }
  o += mime.copy(out, o, from);
  return out.subarray(0, o);
}

/**
 * Whether a part of the message says its body is raw bytes (`Content-Transfer-Encoding: binary`, RFC
 * 2045 6.2): there a LF or CR is a byte of the content, not a line end. Looked for natively first, since
 * it is asked only of messages whose line ends would change.
 */
function declaresBinaryBody(message: Buffer): boolean {
  if (message.indexOf('binary') === -1 && message.indexOf('Binary') === -1 && message.indexOf('BINARY') === -1) return false;
  return /^content-transfer-encoding[ \t]*:[ \t]*binary[ \t]*\r?$/im.test(message.toString('latin1'));
}

/**
 * The message as it goes to Graph. One written with CRLF line ends that has a body sent as binary keeps
 * its bytes as they are: made CRLF, every LF byte of an attachment sent `Content-Transfer-Encoding:
 * binary` grew a CR and the file came out corrupt (fidelity probe 5). One whose own lines end in LF alone
 * was stored with its line ends changed already (most such messages in the corpus are bounces that call
 * their 8-bit text binary), and is made CRLF like any other.
 */
export function prepareForUpload(mime: Buffer): Buffer {
  const message = withoutPreamble(mime);
  const converted = message.includes(LF) ? lfToCrlf(message) : crlf(message);
  if (converted === message) return message;
  const firstLf = message.indexOf(LF);
  return firstLf > 0 && message[firstLf - 1] === CR && declaresBinaryBody(message) ? message : converted;
}
