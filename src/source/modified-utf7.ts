/**
 * IMAP modified UTF-7 (RFC 3501 §5.1.3), the encoding IMAP servers such as WorkMail use for mailbox names:
 * printable ASCII stands for itself, '&-' is '&', and '&...-' wraps UTF-16BE in base64 with ',' for '/'.
 */

const BASE64_RUN = /&([A-Za-z0-9+,]*)-/g;
const BASE64_VALUE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,';
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Decodes every '&...-' run in a folder-name segment. A run that is not valid modified base64 of whole
 * UTF-16 code units is left as it was: a literal '&' in a name from a zip tool is more likely than a
 * corrupt encoding, and losing the name would be worse.
 */
export function decodeModifiedUtf7(segment: string): string {
  if (!segment.includes('&')) return segment;
  return segment.replace(BASE64_RUN, (run, b64: string) => {
    if (b64 === '') return '&';
    const decoded = decodeRun(b64);
    return decoded ?? run;
  });
}

function decodeRun(b64: string): string | undefined {
  const bytes = Buffer.from(b64.replace(/,/g, '/'), 'base64');
  // Base64 of whole UTF-16 units: 16 bits per unit, padding bits (at most 5) must be zero.
  const bits = b64.length * 6;
  if (bytes.length === 0 || bytes.length % 2 !== 0 || bits - bytes.length * 8 >= 6) return undefined;
  // The padding bits of the last character must be zero (RFC 4648 §3.5, as every encoder writes them):
  // Buffer's decoder drops them silently, which read 'Tom&Joe-Files' as 'Tom\u2687Files'.
  const padding = bits - bytes.length * 8;
  if (padding > 0 && (BASE64_VALUE.indexOf(b64[b64.length - 1] as string) & ((1 << padding) - 1)) !== 0) return undefined;
  let out = '';
  for (let i = 0; i < bytes.length; i += 2) out += String.fromCharCode(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  // Lone surrogates mean the run was not UTF-16 after all.
  if (LONE_SURROGATE.test(out)) return undefined;
  return out;
}

/** Encodes a folder-name segment as IMAP modified UTF-7. Used by the fixture generator. */
export function encodeModifiedUtf7(text: string): string {
  let out = '';
  let pending = '';
  const flush = (): void => {
    if (pending === '') return;
    const units = Buffer.alloc(pending.length * 2);
    for (let i = 0; i < pending.length; i++) units.writeUInt16BE(pending.charCodeAt(i), i * 2);
    out += '&' + units.toString('base64').replace(/=+$/, '').replace(/\//g, ',') + '-';
    pending = '';
  };
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (code >= 0x20 && code <= 0x7e) {
      flush();
      out += ch === '&' ? '&-' : ch;
    } else pending += ch;
  }
  flush();
  return out;
}
