/**
 * Duplicate detection within a target folder, in memory and without I/O.
 *
 * Within one target folder, messages with the same fingerprint form a group. Each kept message in the group
 * has an identity: its Message-ID, or, when it had none, the Message-ID of the first duplicate matched to it
 * (it "adopts" that ID, so it can stand for only one distinct message). A new message with:
 * - no Message-ID is a duplicate of the first kept message of the group from the same sender;
 * - a Message-ID equal to a kept message's identity is a duplicate of that message;
 * - a Message-ID, where a kept message from the same sender still has no identity, is a duplicate of it
 *   (which adopts the ID);
 * - any other Message-ID is a collision: kept, and reported with the group's first message.
 *
 * Chain A(id1), B(id2), C(id1), D(none): B collides with A, C is a duplicate of A, D a duplicate of A.
 * Chain E(none), F(id1), G(id2): F is a duplicate of E (E adopts id1), G collides with E and is kept.
 * Invariant: every distinct Message-ID of a group is represented by a kept message, and a message without
 * one is dropped only when a kept message with the same fingerprint exists. Nothing distinct is dropped.
 *
 * The sender: without a Message-ID only the subject and the second stand for the message, and two hosts'
 * cron alerts ("Backup FAILED", 02:00:00) or a monitor's status mail against a colleague's share them; the
 * second was dropped (probe r12). A copy of one message, in a second export or without its Message-ID, has
 * its From. A sender unknown on either side does not keep two messages apart.
 *
 * A weak fingerprint (no subject: only the date is left) is not enough on its own: two different
 * notifications without Subject or Message-ID can share a second. There a message without a Message-ID
 * is a duplicate only of a kept message with identical content (same CRC-32 and size); otherwise it is kept.
 */
import type { DuplicateDecision } from './types.js';

interface Kept {
  readonly key: string;
  identity: string | null;
  /** CRC-32 and size, e.g. `1a2b3c4d:2048`, when known. */
  readonly content: string | null;
  readonly sender: string | null;
}

/** What is known of a message beyond its fingerprint and Message-ID. */
export interface ObservedContent {
  /** CRC-32 and size of the message bytes, e.g. `1a2b3c4d:2048`; null when unknown. */
  readonly content: string | null;
  /** The fingerprint rests on the date alone (the message has no subject). */
  readonly weak: boolean;
  /** The From address (senderKey), null when unknown. */
  readonly sender?: string | null;
}

/** The address of a From field, lower-cased (`Ann <Ann@X.com>` → `ann@x.com`); null when there is none. */
export function senderKey(from: string | null | undefined): string | null {
  if (from === null || from === undefined) return null;
  const angle = /<([^<>]*)>\s*$/.exec(from);
  const address = (angle ? angle[1]! : from).trim().toLowerCase();
  return address === '' ? null : address;
}

function sameSender(a: string | null, b: string | null): boolean {
  return a === null || b === null || a === b;
}

export class DuplicateTracker {
  // target folder -> fingerprint -> kept messages. Nested maps instead of concatenated keys keep one
  // string per fingerprint; the common group of one is stored without an array (200,000 messages must fit).
  readonly #folders = new Map<string, Map<string, Kept | Kept[]>>();

  /** Records a message and decides whether it is the first, a duplicate or a collision in its folder. */
  observe(key: string, targetFolder: string, fingerprint: string, messageId: string | null, observed: ObservedContent = { content: null, weak: false }): DuplicateDecision {
    let groups = this.#folders.get(targetFolder);
    if (!groups) {
      groups = new Map();
      this.#folders.set(targetFolder, groups);
    }
    const found = groups.get(fingerprint);
    const identity = messageId === '' ? null : messageId;
    const sender = observed.sender ?? null;
    const mine: Kept = { key, identity, content: observed.content, sender };
    if (found === undefined) {
      groups.set(fingerprint, mine);
      return { kind: 'first' };
    }
    const kept = Array.isArray(found) ? found : [found];
    const first = kept[0]!;
    if (identity === null && observed.weak) {
      const same = observed.content === null ? undefined : kept.find((k) => k.content === observed.content);
      if (same) return { kind: 'duplicate', of: same.key };
      groups.set(fingerprint, [...kept, mine]);
      return { kind: 'first' };
    }
    if (identity === null) {
      const same = kept.find((k) => sameSender(k.sender, sender));
      if (same) return { kind: 'duplicate', of: same.key };
      groups.set(fingerprint, [...kept, mine]);
      return { kind: 'first' };
    }
    const same = kept.find((k) => k.identity === identity);
    if (same) return { kind: 'duplicate', of: same.key };
    const anonymous = kept.find((k) => k.identity === null && sameSender(k.sender, sender) && (!observed.weak || (observed.content !== null && k.content === observed.content)));
    if (anonymous) {
      anonymous.identity = identity;
      return { kind: 'duplicate', of: anonymous.key };
    }
    groups.set(fingerprint, [...kept, mine]);
    return { kind: 'collision', with: first.key };
  }
}
