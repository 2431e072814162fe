/**
 * Raw header bytes to the text Outlook would show: raw 8-bit bytes as UTF-8 when valid, else in the
 * charset the message declares, else windows-1252; raw bytes inside a Q word in that word's charset;
 * raw 7-bit ISO-2022-JP as Japanese; NUL bytes dropped; folding removed; RFC 2047 encoded words decoded by libmime, except words in a charset nobody knows,
 * which stay as literal text rather than turning into U+FFFD.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { createRequire } from 'node:module';
import type Libmime from 'libmime';
import type Iconv from 'iconv-lite';
import type * as LibmimeCharset from 'libmime/lib/charset.js';

// CommonJS packages (libmime's own ES build imports iconv-lite), loaded with require() (README, Development: start-up).
const require = createRequire(import.meta.url);
const libmime = require('libmime') as typeof Libmime;
const iconv = require('iconv-lite') as typeof Iconv;
const { decode: decodeCharset, normalizeCharset } = require('libmime/lib/charset.js') as typeof LibmimeCharset;

/** Fields whose values are human text or display names, where encoded words are decoded. */
const ENCODED_WORD_FIELDS: ReadonlySet<string> = new Set([
  'subject',
  'from',
  'sender',
  'reply-to',
  'to',
  'cc',
  'bcc',
  'comments',
  'keywords',
  'thread-topic',
]);

// Same shape libmime recognises, but with any charset and encoding letter, so that the words libmime
// would mangle can be found and kept verbatim.
const ENCODED_WORD = /=\?([^?\s]*)\?([A-Za-z])\?([^?]*)\?=/g;
// libmime decodes only charsets of this shape (a `*lang` suffix is RFC 2231's language tag).
const DECODABLE_CHARSET = /^[\w-]+(?:\*[\w-]*)?$/;
// libmime decodes these itself (encoding-japanese), although iconv-lite does not know them.
const LIBMIME_ONLY_CHARSET = /^(?:jis|iso-?2022-?jp|eucjp|(?:us-)?ascii|utf-8|7bit)/i;

// ESC $ @, ESC $ B (JIS X 0208), ESC ( J (JIS X 0201 Roman): the switches ISO-2022-JP text starts with.
// eslint-disable-next-line no-control-regex -- the escape character is what identifies ISO-2022-JP
const ISO_2022_JP_ESCAPE = /\x1b(?:\$[@B]|\(J)/;

/** The charset unlabelled 8-bit header bytes are read in when they are not valid UTF-8. */
export const DEFAULT_FALLBACK_CHARSET = 'windows-1252';

/**
 * The fallback charset for a message's raw 8-bit headers: the charset its top-level Content-Type declares,
 * when iconv-lite knows it (a GB2312 message with a raw GB2312 subject is read as GB2312, as mail clients
 * do), else windows-1252 (the de-facto charset of unlabelled 8-bit mail, and a superset of ISO-8859-1's
 * printable range, which is why ISO-8859-1 and US-ASCII declarations also mean windows-1252 here).
 */
export function fallbackCharset(contentType: string | undefined): string {
  const declared = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1];
  if (declared === undefined) return DEFAULT_FALLBACK_CHARSET;
  return remember(fallbackByLabel, declared, fallbackFor);
}

function fallbackFor(declared: string): string {
  if (!iconv.encodingExists(declared)) return DEFAULT_FALLBACK_CHARSET;
  const name = normalizeCharset(declared);
  return /^(?:iso-8859-1|windows-1252|us-ascii|ascii|utf-8)$/i.test(name) ? DEFAULT_FALLBACK_CHARSET : name;
}

/**
 * Charset labels repeat across a whole export, and asking iconv-lite about one (getCodec) costs more than
 * the rest of a field's decoding. A label is input, so the caches are bounded: past the bound they start over.
 */
const MAX_REMEMBERED_LABELS = 512;
const fallbackByLabel = new Map<string, string>();
const knownByLabel = new Map<string, boolean>();

function remember<T>(cache: Map<string, T>, label: string, compute: (label: string) => T): T {
  const known = cache.get(label);
  if (known !== undefined) return known;
  const value = compute(label);
  if (cache.size >= MAX_REMEMBERED_LABELS) cache.clear();
  cache.set(label, value);
  return value;
}

/** Gives the fallback charset when first needed (most header values are ASCII and never need it). */
export interface FallbackSource {
  fallbackCharset(): string;
}

/** A fallback charset, or where to get it when needed. */
export type Fallback = string | FallbackSource;

/**
 * Header bytes to text: NUL bytes dropped (they are never meant and break downstream consumers), then
 * UTF-8 when the bytes are valid UTF-8, else the fallback charset (see fallbackCharset).
 */
export function decodeRawBytes(bytes: Buffer, fallback: Fallback = DEFAULT_FALLBACK_CHARSET): string {
  const clean = bytes.includes(0) ? Buffer.from(bytes.filter((b) => b !== 0)) : bytes;
  if (isAscii(clean)) {
    const text = clean.toString('latin1');
    // Japanese mailers sometimes write raw 7-bit ISO-2022-JP, escape sequences and all, without encoded words
    return text.includes('\x1b') && ISO_2022_JP_ESCAPE.test(text) ? decodeCharset(clean, 'ISO-2022-JP') : text;
  }
  if (isUtf8(clean)) return clean.toString('utf8');
  return iconv.decode(clean, typeof fallback === 'string' ? fallback : fallback.fallbackCharset());
}

// A Q-encoded word with raw 8-bit bytes inside, in the latin1 view of the bytes.
const RAW_Q_WORD = /=\?([^?\s]*)\?([Qq])\?([^?]*[\x80-\xff][^?]*)\?=/g;

/**
 * Raw 8-bit bytes inside a Q-encoded word belong to the word's charset, not to the header's: escape them
 * (=F6) so that they are decoded with the word. `=?iso-8859-1?Q?Fr\xf6sche?=` is "Frösche".
 */
function escapeRawBytesInWords(raw: Buffer): Buffer {
  if (isAscii(raw)) return raw;
  const latin1 = raw.toString('latin1');
  const escaped = latin1.replace(RAW_Q_WORD, (_word, charset: string, encoding: string, text: string) => {
    const body = text.replace(/[\x80-\xff]/g, (c) => '=' + c.charCodeAt(0).toString(16).toUpperCase());
    return `=?${charset}?${encoding}?${body}?=`;
  });
  return escaped === latin1 ? raw : Buffer.from(escaped, 'latin1');
}

/** Removes folding (a line break followed by whitespace keeps the whitespace) and any stray line break. */
export function unfold(value: string): string {
  if (!value.includes('\n') && !value.includes('\r')) return value;
  // every line break goes: one before whitespace is folding, any other is stray, and both are removed
  return value.replace(LINE_BREAKS, '');
}

const LINE_BREAKS = /[\r\n]+/g;

function isKnownCharset(label: string): boolean {
  return remember(knownByLabel, label, isKnownCharsetUncached);
}

function isKnownCharsetUncached(label: string): boolean {
  if (!DECODABLE_CHARSET.test(label)) return false;
  const name = label.split('*')[0] ?? '';
  if (name.toLowerCase() === 'unknown-8bit') return true;
  const canonical = normalizeCharset(name);
  return LIBMIME_ONLY_CHARSET.test(canonical) || iconv.encodingExists(canonical);
}

/**
 * `unknown-8bit` (RFC 1428) says "raw bytes, charset unknown": relabel the word the way raw 8-bit headers
 * are read (UTF-8 if valid, else windows-1252) instead of producing U+FFFD.
 */
function relabelUnknown8bit(word: string, label: string, encoding: string, text: string): string {
  if ((label.split('*')[0] ?? '').toLowerCase() !== 'unknown-8bit') return word;
  const bytes = Buffer.from(libmime.decodeWord('latin1', encoding, text), 'latin1');
  const charset = isUtf8(bytes) ? 'utf-8' : 'windows-1252';
  return `=?${charset}?${encoding}?${text}?=`;
}

function decodeWithLibmime(text: string): string {
  try {
    return libmime.decodeWords(text);
  } catch {
    // libmime has never been seen to throw, but one odd header must not stop a scan of 100,000 messages
    return text;
  }
}

/**
 * Decodes RFC 2047 encoded words. Adjacent words are joined without the whitespace between them (libmime
 * also joins the bytes of same-charset neighbours, so a character split across two words survives).
 * Words with an unknown charset, an empty charset or an unknown encoding letter stay as literal text.
 */
export function decodeEncodedWords(value: string): string {
  if (!value.includes('=?')) return value;
  let out = '';
  let pending = '';
  let last = 0;
  for (const m of value.matchAll(ENCODED_WORD)) {
    const [word, label = '', encoding = '', text = ''] = m;
    const at = m.index;
    pending += value.slice(last, at);
    last = at + word.length;
    const q = encoding.toUpperCase();
    if ((q === 'Q' || q === 'B') && isKnownCharset(label)) {
      pending += relabelUnknown8bit(word, label, encoding, text);
    } else {
      out += decodeWithLibmime(pending) + word;
      pending = '';
    }
  }
  return out + decodeWithLibmime(pending + value.slice(last));
}

const ENCODED_WORD_START = Buffer.from('=?', 'latin1');
const ESC = 0x1b;

/**
 * True when the value needs no decoding: ASCII without NUL or ESC (raw ISO-2022-JP), and, in a field
 * where encoded words are decoded, without the `=?` that starts one. Most header values of most mail.
 */
function isPlainAscii(raw: Buffer, wordField: boolean): boolean {
  return isAscii(raw) && raw.indexOf(0) === -1 && raw.indexOf(ESC) === -1 && (!wordField || raw.indexOf(ENCODED_WORD_START) === -1);
}

/** One field's raw value bytes to its display text, unfolded and trimmed. */
export function decodeFieldValue(name: string, raw: Buffer, fallback: Fallback = DEFAULT_FALLBACK_CHARSET): string {
  const wordField = ENCODED_WORD_FIELDS.has(name.toLowerCase());
  // The common case, with the same result as the general path below: the bytes as they are.
  if (isPlainAscii(raw, wordField)) return unfold(raw.toString('latin1')).trim();
  const text = unfold(decodeRawBytes(wordField ? escapeRawBytesInWords(raw) : raw, fallback)).trim();
  return wordField ? decodeEncodedWords(text).trim() : text;
}
