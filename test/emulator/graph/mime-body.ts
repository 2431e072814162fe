import { graphErrors } from './errors.js';
import type { GraphContext } from './context.js';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * The MIME create paths take base64 text; tolerate line breaks, nothing else. A body that encodes back to
 * itself is canonical base64 and needs no pattern test: that test over every byte was the emulator's
 * largest single cost at estate scale (about 9 % of its CPU in bench:estate at 32 mailboxes), enough to
 * make the emulator, not the importer, the bound there. Anything else is judged by the pattern, as before.
 */
export function decodeBase64Mime(context: GraphContext): Buffer {
  const raw = context.body.toString('latin1');
  const text = raw.includes('\n') || raw.includes('\r') ? raw.replace(/[\r\n]/g, '') : raw;
  if (text.length === 0 || text.length % 4 !== 0) throw graphErrors.invalidBase64Mime();
  const mime = Buffer.from(text, 'base64');
  if (mime.toString('base64') !== text && !BASE64.test(text)) throw graphErrors.invalidBase64Mime();
  return mime;
}

export function isTextPlain(context: GraphContext): boolean {
  return /^text\/plain/i.test(String(context.headers['content-type'] ?? ''));
}
