/**
 * The bytes that go to Graph: the message as exported, with only what RFC 5322 does not allow in a
 * message taken out, because Exchange's MIME reader chokes on it (the emulator shows the same): a leading
 * UTF-8 byte-order mark, a leading mbox `From ` separator line, and line endings other than CRLF.
 * Everything else, every header and every body byte, is left exactly as it was.
 */

const CR = 0x0d;
const LF = 0x0a;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

function withoutPreamble(mime: Buffer): Buffer {
  let start = mime.subarray(0, 3).equals(BOM) ? 3 : 0;
  if (mime.subarray(start, start + 5).toString('latin1') === 'From ') {
    // The line ends at the first CR or LF: a file with old Mac line endings (CR alone) has no LF at all,
    // and looking for one took the whole message for the separator line.
    let end = start;
    while (end < mime.length && mime[end] !== CR && mime[end] !== LF) end += 1;
    if (mime[end] === CR && mime[end + 1] === LF) end += 1;
    start = Math.min(mime.length, end + 1);
  }
  return start === 0 ? mime : mime.subarray(start);
}

/** CR alone and LF alone become CRLF; a message already in CRLF comes back as the same Buffer. */
function crlf(mime: Buffer): Buffer {
  let bare = 0;
  for (let i = 0; i < mime.length; i++) {
    const byte = mime[i];
    if (byte === LF && (i === 0 || mime[i - 1] !== CR)) bare += 1;
    else if (byte === CR && mime[i + 1] !== LF) bare += 1;
  }
  if (bare === 0) return mime;
  const out = Buffer.allocUnsafe(mime.length + bare);
  let o = 0;
  for (let i = 0; i < mime.length; i++) {
    const byte = mime[i] as number;
    if (byte === LF && (i === 0 || mime[i - 1] !== CR)) {
      out[o++] = CR;
      out[o++] = LF;
    } else if (byte === CR && mime[i + 1] !== LF) {
      out[o++] = CR;
      out[o++] = LF;
    } else {
      out[o++] = byte;
    }
  }
  return out.subarray(0, o);
}

export function prepareForUpload(mime: Buffer): Buffer {
  return crlf(withoutPreamble(mime));
}
