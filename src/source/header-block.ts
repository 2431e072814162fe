/** Finding the end of a message's header block in its first bytes. */
import { MAX_HEADER_BLOCK_BYTES } from './limits.js';
import { preambleEnd } from './preamble.js';

const BLANK_LINES = [Buffer.from('\r\n\r\n'), Buffer.from('\n\n'), Buffer.from('\r\r')];

/**
 * The offset of the blank line that ends the header block (CRLF, LF or CR-only line endings), or -1 when
 * there is none within the first MAX_HEADER_BLOCK_BYTES. It is looked for after the preamble (preamble.ts):
 * a blank line before the first field does not end the block. The earliest of the three wins; "\r\n\r\n"
 * contains neither "\n\n" nor "\r\r". Each later search stops where the best so far was found: a CRLF
 * message has no "\n\n" at all, and looking for one through a 25 MB body cost the verifying scan seconds.
 */
export function findHeaderEnd(bytes: Buffer): number {
  // blank lines before the first field are preamble, not the end of the block
  const start = preambleEnd(bytes);
  let end = -1;
  for (const blank of BLANK_LINES) {
    const limit = end === -1 ? Math.min(bytes.length, MAX_HEADER_BLOCK_BYTES + blank.length) : end;
    const at = bytes.subarray(0, limit).indexOf(blank, start);
    if (at !== -1) end = at;
  }
  return end;
}

/**
 * The header block of `bytes` with the blank line that ends it, copied so that it doesn't pin the larger
 * buffer. The blank line is kept so that the header reader (message/header-block.ts) sees where the block
 * ends: a line inside it that is not a field is then read past, as when the whole message is read. `complete` says `bytes` is the whole entry; when it isn't and no blank line was found,
 * the caller must read more, and `undefined` says so. With no blank line anywhere the block is the whole
 * entry, capped at MAX_HEADER_BLOCK_BYTES.
 */
export function headerBlockOf(bytes: Buffer, complete: boolean): Buffer | undefined {
  const end = findHeaderEnd(bytes);
  // "\r\n\r\n" or one of "\n\n" and "\r\r"
  const blank = end !== -1 && bytes[end] === 0x0d && bytes[end + 1] === 0x0a ? 4 : 2;
  if (end !== -1 && end <= MAX_HEADER_BLOCK_BYTES) return Buffer.from(bytes.subarray(0, end + blank));
  if (end !== -1 || complete || bytes.length >= MAX_HEADER_BLOCK_BYTES) {
    return Buffer.from(bytes.subarray(0, Math.min(bytes.length, MAX_HEADER_BLOCK_BYTES)));
  }
  return undefined;
}
