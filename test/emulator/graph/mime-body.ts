import { graphErrors } from './errors.js';
import type { GraphContext } from './context.js';

/** The MIME create paths take base64 text; tolerate line breaks, nothing else. */
export function decodeBase64Mime(context: GraphContext): Buffer {
  const text = context.body.toString('latin1').replace(/[\r\n]/g, '');
  if (text.length === 0 || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) {
    throw graphErrors.invalidBase64Mime();
  }
  return Buffer.from(text, 'base64');
}

export function isTextPlain(context: GraphContext): boolean {
  return /^text\/plain/i.test(String(context.headers['content-type'] ?? ''));
}
