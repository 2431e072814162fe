/**
 * The message fingerprint: what identifies "the same message" across an export, a re-export with another
 * encoding, and the destination's own view of it. The one place subjects are normalised, for the import
 * and for reconcile (which normalises the subjects Graph returns with the same function).
 */
import { createHash } from 'node:crypto';

// C0 controls, DEL and C1 controls: a raw header can carry them, Exchange does not keep them in a
// subject as they were, and no reader can see them; treat them as the whitespace they are displayed as.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;

/** Unicode NFC, control characters as spaces, whitespace runs collapsed to one space, trimmed. */
export function normalizeSubject(subject: string): string {
  return subject.normalize('NFC').replace(CONTROL_CHARACTERS, ' ').replace(/\s+/g, ' ').trim();
}

/** The date in UTC truncated to the second, e.g. `2024-01-02T03:04:05Z`; '' when undated. */
export function fingerprintDate(date: Date | null): string {
  if (date === null || Number.isNaN(date.getTime())) return '';
  const seconds = Math.floor(date.getTime() / 1000) * 1000;
  return new Date(seconds).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** sha256 hex of the normalised subject, a newline, and the UTC date to the second (or '' when undated). */
export function fingerprint(subject: string, date: Date | null): string {
  return createHash('sha256')
    .update(normalizeSubject(subject) + '\n' + fingerprintDate(date), 'utf8')
    .digest('hex');
}
