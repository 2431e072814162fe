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
 * an unanswered create (find-message.ts: fingerprint, Message-ID, normalised subject). The import asks
 * the ledger (Ledger.folderWork), which keeps the keys in SQLite; openKeysOf holds them in memory.
 */
export interface OpenKeys {
  /** Of `keys`, those that some open row has. */
  shared(keys: readonly string[]): ReadonlySet<string>;
}

/**
 * The keys of one message, source row or listed copy alike: the two sides must build them the same way,
 * or a copy of an open row would be read through and dropped.
 */
function keysOf(fingerprint: string | null, messageId: string | null, subject: string): string[] {
  const keys = fingerprint ? [`fingerprint\n${fingerprint}`] : [];
  const id = normalizeMessageId(messageId);
  if (id !== null) keys.push(`id\n${id}`);
  keys.push(`subject\n${normalizeSubject(subject)}`);
  return keys;
}

/** An open row's keys, as openKeys compares them with listedKeys. */
export function openRowKeys(row: { readonly fingerprint: string | null; readonly messageId: string | null; readonly subject: string | null }): string[] {
  return keysOf(row.fingerprint, row.messageId, row.subject ?? '');
}

/** A listed message's keys: it could pair with an open row that has one of them. */
export function listedKeys(message: DestinationMessage): string[] {
  return keysOf(destinationFingerprint(message), message.internetMessageId, message.subject);
}

export function openKeysOf(rows: ReadonlyArray<{ readonly fingerprint: string | null; readonly messageId: string | null; readonly subject: string | null }>): OpenKeys {
  const all = new Set(rows.flatMap(openRowKeys));
  return { shared: (keys) => new Set(keys.filter((key) => all.has(key))) };
}

/** Listed messages looked up at once: one query for this many, whatever the folder holds. */
const LOOKUP_BATCH = 500;

/**
 * Reads a folder's listing through, keeping only the messages that share a key with an open row: one that
 * does not can be neither the copy of an open row nor taken for one by a re-check, so a folder of 200,000
 * messages already imported is listed through without being held (only its open rows' look-alikes are).
 * `listed` counts all.
 */
export async function listCandidates(listing: AsyncIterable<DestinationMessage>, keys: OpenKeys): Promise<{ candidates: DestinationMessage[]; listed: number }> {
  const candidates: DestinationMessage[] = [];
  let listed = 0;
  let batch: Array<{ message: DestinationMessage; keys: string[] }> = [];
  const lookUp = (): void => {
    const shared = keys.shared(batch.flatMap((b) => b.keys));
    for (const b of batch) if (b.keys.some((key) => shared.has(key))) candidates.push(b.message);
    batch = [];
  };
  for await (const message of listing) {
    listed += 1;
    batch.push({ message, keys: listedKeys(message) });
    if (batch.length >= LOOKUP_BATCH) lookUp();
  }
  if (batch.length > 0) lookUp();
  return { candidates, listed };
}
