/**
 * The message fingerprint: what identifies "the same message" across an export, a re-export with another
 * encoding, and the destination's own view of it. The one place subjects are normalised, for the import
 * and for reconcile (which normalises the subjects Graph returns with the same function).
 */
import * as crypto from 'node:crypto';

const { createHash } = crypto;
// crypto.hash is missing before Node 20.12
const hash = (crypto as Partial<Pick<typeof crypto, 'hash'>>).hash;

// C0 controls, DEL and C1 controls: a raw header can carry them, Exchange does not keep them in a
// subject as they were, and no reader can see them; treat them as the whitespace they are displayed as.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;

/** Unicode NFC, control characters as spaces, whitespace runs collapsed to one space, trimmed. */
/** `<a@b>` and `a@b` name the same message; Graph returns the brackets, a header may not have them. */
export function normalizeMessageId(messageId: string | null): string | null {
  if (messageId === null) return null;
  const bare = messageId.trim().replace(/^<+/, '').replace(/>+$/, '').trim();
  return bare === '' ? null : bare;
}

export function normalizeSubject(subject: string): string {
  if (isNormalAscii(subject)) return subject;
  return subject.normalize('NFC').replace(CONTROL_CHARACTERS, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * Printable ASCII with single spaces between words and none at the ends: what most subjects are, and
 * already normalised (NFC leaves ASCII alone, and there is no control character or space to change).
 */
function isNormalAscii(s: string): boolean {
  const n = s.length;
  if (n === 0) return true;
  if (s.charCodeAt(0) === 0x20 || s.charCodeAt(n - 1) === 0x20) return false;
  let previous = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || (c === 0x20 && previous === 0x20)) return false;
    previous = c;
  }
  return true;
}

/** The date in UTC truncated to the second, e.g. `2024-01-02T03:04:05Z`; '' when undated. */
export function fingerprintDate(date: Date | null): string {
  if (date === null || Number.isNaN(date.getTime())) return '';
  const seconds = Math.floor(date.getTime() / 1000) * 1000;
  // toISOString always ends in ".sssZ"
  return new Date(seconds).toISOString().slice(0, -5) + 'Z';
}

/** sha256 hex of the normalised subject, a newline, and the UTC date to the second (or '' when undated). */
export function fingerprint(subject: string, date: Date | null): string {
  const text = normalizeSubject(subject) + '\n' + fingerprintDate(date);
  // the one-shot hash (Node 20.12) saves creating a Hash object per message
  return typeof hash === 'function' ? hash('sha256', text, 'hex') : createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Same subject, or the same once read past its non-ASCII characters: a raw 8-bit subject is read as
 * UTF-8 here and may be read as Latin-1 by the server ("Frösche" against "FrÃ¶sche"). With the same
 * Message-ID that is the same message; compared strictly, a 504 after commit was sent again (corpus kill
 * soak, seed 1).
 */
export function subjectsAgree(stored: string, ours: string): boolean {
  if (normalizeSubject(stored) === normalizeSubject(ours)) return true;
  const skeleton = (subject: string): string => normalizeSubject(subject).replace(/[^\x21-\x7e]/g, '');
  if (skeleton(ours) !== '' && skeleton(stored) === skeleton(ours)) return true;
  return agreesPastUndecodedWords(stored, ours);
}

/** RFC 2047 encoded words, and runs of them (the whitespace between two is not text, RFC 2047 6.2). */
const ENCODED_WORDS = /=\?[^?\s]+\?[QqBb]\?[^?\s]*\?=(?:\s+=\?[^?\s]+\?[QqBb]\?[^?\s]*\?=)*/g;

/**
 * Our subject still holds encoded words (a charset we do not know: kept as written, as RFC 2047 6.2
 * allows), which the server may have decoded its own way (6.2 allows that too): each such run stands
 * for whatever the server made of it. Compared strictly, the copy a create left after a lost answer was
 * not recognised and the message was sent again, up to five times (a probe against Graph behaviour). Some
 * text of ours outside the words must agree: a subject that is nothing but such words would agree with
 * any subject, and take a list's copy ("[list] ...", same Message-ID) for the direct one.
 */
function agreesPastUndecodedWords(stored: string, ours: string): boolean {
  const normalized = normalizeSubject(ours);
  if (!normalized.includes('=?')) return false;
  const literal = normalized.split(ENCODED_WORDS);
  if (literal.length === 1 || literal.join('').trim() === '') return false;
  const pattern = new RegExp(`^${literal.map((text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*?')}$`, 's');
  return pattern.test(normalizeSubject(stored));
}
