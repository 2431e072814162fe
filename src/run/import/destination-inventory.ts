import { fingerprint, normalizeMessageId, normalizeSubject } from '../../message/fingerprint.js';
import type { DestinationMessage } from '../../destination/types.js';

/**
 * The fingerprint of a message as the destination shows it: our named property when the JSON path set
 * one, else the same subject + date recipe as the source, with Graph's sentDateTime (Exchange takes it
 * from the Date header on MIME imports).
 */
export function destinationFingerprint(message: DestinationMessage): string {
  if (message.importFingerprint) return message.importFingerprint;
  const date = message.sentDateTime ? new Date(message.sentDateTime) : null;
  return fingerprint(message.subject, date && !Number.isNaN(date.getTime()) ? date : null);
}

/**
 * What a folder's open rows (still to settle) can be paired with in its listing, keyed as every lookup
 * pairs them: reconcile's comparison (fingerprint, Message-ID, subject for the undated) and the re-check of
 * an unanswered create (find-message.ts: fingerprint, Message-ID, normalised subject).
 */
export interface OpenKeys {
  readonly fingerprints: ReadonlySet<string>;
  readonly messageIds: ReadonlySet<string>;
  readonly subjects: ReadonlySet<string>;
}

export function openKeysOf(rows: ReadonlyArray<{ readonly fingerprint: string | null; readonly messageId: string | null; readonly subject: string | null }>): OpenKeys {
  const fingerprints = new Set<string>();
  const messageIds = new Set<string>();
  const subjects = new Set<string>();
  for (const row of rows) {
    if (row.fingerprint) fingerprints.add(row.fingerprint);
    const id = normalizeMessageId(row.messageId);
    if (id !== null) messageIds.add(id);
    subjects.add(normalizeSubject(row.subject ?? ''));
  }
  return { fingerprints, messageIds, subjects };
}

/**
 * Whether a listed message shares a key with an open row. One that does not can be neither the copy of an
 * open row nor taken for one by a re-check, so the import need not keep it: a folder of 200,000 messages
 * already imported is listed through without being held (only its open rows' look-alikes are).
 */
export function couldPairWith(message: DestinationMessage, keys: OpenKeys): boolean {
  if (keys.fingerprints.has(destinationFingerprint(message))) return true;
  const id = normalizeMessageId(message.internetMessageId);
  if (id !== null && keys.messageIds.has(id)) return true;
  return keys.subjects.has(normalizeSubject(message.subject));
}

/** Reads a folder's listing through, keeping only what could pair with an open row; `listed` counts all. */
export async function listCandidates(listing: AsyncIterable<DestinationMessage>, keys: OpenKeys): Promise<{ candidates: DestinationMessage[]; listed: number }> {
  const candidates: DestinationMessage[] = [];
  let listed = 0;
  for await (const message of listing) {
    listed += 1;
    if (couldPairWith(message, keys)) candidates.push(message);
  }
  return { candidates, listed };
}
