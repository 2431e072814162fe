/**
 * Duplicate detection within a target folder, in memory and without I/O.
 *
 * Within one target folder, messages with the same fingerprint form a group. Each kept message in the group
 * has an identity: its Message-ID, or, when it had none, the Message-ID of the first duplicate matched to it
 * (it "adopts" that ID, so it can stand for only one distinct message). A new message with:
 * - no Message-ID is a duplicate of the first kept message of the group;
 * - a Message-ID equal to a kept message's identity is a duplicate of that message;
 * - a Message-ID, where a kept message still has no identity, is a duplicate of it (which adopts the ID);
 * - any other Message-ID is a collision: kept, and reported with the group's first message.
 *
 * Chain A(id1), B(id2), C(id1), D(none): B collides with A, C is a duplicate of A, D a duplicate of A.
 * Chain E(none), F(id1), G(id2): F is a duplicate of E (E adopts id1), G collides with E and is kept.
 * Invariant: every distinct Message-ID of a group is represented by a kept message, and a message without
 * one is dropped only when a kept message with the same fingerprint exists. Nothing distinct is dropped.
 */
import type { DuplicateDecision } from './types.js';

interface Kept {
  readonly key: string;
  identity: string | null;
}

export class DuplicateTracker {
  // target folder -> fingerprint -> kept messages. Nested maps instead of concatenated keys keep one
  // string per fingerprint; the common group of one is stored without an array (200,000 messages must fit).
  readonly #folders = new Map<string, Map<string, Kept | Kept[]>>();

  /** Records a message and decides whether it is the first, a duplicate or a collision in its folder. */
  observe(key: string, targetFolder: string, fingerprint: string, messageId: string | null): DuplicateDecision {
    let groups = this.#folders.get(targetFolder);
    if (!groups) {
      groups = new Map();
      this.#folders.set(targetFolder, groups);
    }
    const found = groups.get(fingerprint);
    const identity = messageId === '' ? null : messageId;
    if (found === undefined) {
      groups.set(fingerprint, { key, identity });
      return { kind: 'first' };
    }
    const kept = Array.isArray(found) ? found : [found];
    const first = kept[0]!;
    if (identity === null) return { kind: 'duplicate', of: first.key };
    const same = kept.find((k) => k.identity === identity);
    if (same) return { kind: 'duplicate', of: same.key };
    const anonymous = kept.find((k) => k.identity === null);
    if (anonymous) {
      anonymous.identity = identity;
      return { kind: 'duplicate', of: anonymous.key };
    }
    groups.set(fingerprint, [...kept, { key, identity }]);
    return { kind: 'collision', with: first.key };
  }
}
