/**
 * The comparison at the heart of reconcile, for one target folder: plain values in, plain values out.
 * The I/O that gathers the values lives in reconcile.ts; this file never reads a zip, a ledger or Graph.
 */
import { fingerprint, normalizeMessageId, subjectsAgree } from '../../message/fingerprint.js';
import { matchMultiset } from '../../policy/match.js';
import { destinationFingerprint } from '../import/destination-inventory.js';
import { couldBeDated } from '../../destination/graph/find-message.js';
import type { DestinationMessage } from '../../destination/types.js';
import type { MessageState } from '../../ledger/ledger.js';

/** What reconcile needs to know of one wanted source message. */
export interface ComparableSource {
  /** Unique among the sources of one comparison. */
  readonly key: string;
  readonly subject: string;
  /** ISO 8601, null when undated. */
  readonly date: string | null;
  /**
   * True when the date came from the Date header, the one Exchange keeps as sentDateTime. A date taken
   * from a Received header (or none) is the source's own guess, and Exchange's sentDateTime will differ.
   */
  readonly datedByHeader: boolean;
  readonly messageId: string | null;
  readonly fingerprint: string;
  /** The import ledger's state; null when reconcile runs without a ledger. */
  readonly ledgerState: MessageState | null;
  /** The destination id the ledger recorded for it (imported or present); null when none or no ledger. */
  readonly ledgerDestId: string | null;
}

/** How a pair was made: the fingerprint is the rule, the others rescue what dates alone would lose. */
export type MatchKind = 'fingerprint' | 'message-id' | 'undated-subject';

export interface MatchedPair<S> {
  readonly source: S;
  readonly destination: DestinationMessage;
  readonly by: MatchKind;
}

export interface FolderComparison<S> {
  readonly expected: number;
  readonly matched: readonly MatchedPair<S>[];
  /** In the source, not in the destination. */
  readonly missing: readonly S[];
  /** In the destination folder, not accounted for by any source message. */
  readonly unexpected: readonly DestinationMessage[];
  /** Missing although the ledger says imported or present, and the id it recorded is not there either. */
  readonly ledgerImportedButAbsent: readonly S[];
  /**
   * Missing by subject and date, yet the id the ledger recorded is in the folder (so it is also among the
   * unexpected): the copy Exchange kept lost or changed its headers. Counted as missing all the same, so
   * that a run without the ledger gives the same counts; this only says why.
   */
  readonly importedButAltered: ReadonlyArray<{ readonly source: S; readonly destination: DestinationMessage }>;
  /**
   * Of the unexpected, the non-drafts that are a second copy of a matched message (same fingerprint and
   * same Message-ID): the message is in the folder twice. Still unexpected; this only says why.
   */
  readonly doubled: readonly DestinationMessage[];
}

const LEDGER_SAYS_THERE: ReadonlySet<MessageState> = new Set(['imported', 'present']);

export { normalizeMessageId };

/**
 * Compares one target folder. `destination` is null when the folder does not exist: then everything
 * expected is missing. Counting is by multiset, so two source copies against one destination copy leave
 * one missing. Pairs are made in passes, each on what the previous left over:
 * 1. fingerprint (Message-ID breaks ties within a fingerprint), the rule the import itself applies;
 * 2. Message-ID and subject, for a message whose date Exchange read otherwise (no Date header: the source
 *    dated it from Received and Exchange chose its own sentDateTime; or a Date header the two parse
 *    differently). The subject too, because two distinct messages can share a Message-ID (a list's copy
 *    with a tagged subject), and a distinct message is never to be taken for one already there;
 * 3. for a source message not dated by its Date header (undated, or dated from Received), the subject
 *    alone: Exchange has no Date header to take sentDateTime from either.
 * Without the ledger the answer is the same: the ledger only labels missing messages.
 */
export function compareFolder<S extends ComparableSource>(source: readonly S[], destination: readonly DestinationMessage[] | null): FolderComparison<S> {
  const expected = source.length;
  if (destination === null) {
    return { expected, matched: [], missing: source, unexpected: [], ledgerImportedButAbsent: source.filter(saidThere), importedButAltered: [], doubled: [] };
  }

  // A draft is never what an import left (every upload is a non-draft, README "What is uploaded"), and the
  // import's own already-there check skips drafts (import-mailbox.ts): counted present here, a copy that
  // came back a draft said "complete" while a fresh import sent the message again.
  const drafts = new Set(destination.filter((d) => d.isDraft));
  const first = fingerprintPass(source, destination.filter((d) => !drafts.has(d)));
  const matched: MatchedPair<S>[] = first.matched.map(([s, d]) => ({ source: s, destination: d, by: 'fingerprint' }));

  const second = pairById(first.sourceOnly, first.destinationOnly);
  for (const [s, d] of second.pairs) matched.push({ source: s, destination: d, by: 'message-id' });

  const third = pairBy(
    second.sourceOnly,
    second.destinationOnly,
    (s) => (s.datedByHeader ? null : fingerprint(s.subject, null)),
    (d) => fingerprint(d.subject, null),
    // The subject alone is weak: a message with another Message-ID (RFC 5322 3.6.4) and a date the source's
    // cannot have been read as, nor the import's own stamp, is another message, not the undated one the user
    // deleted. Either alone is not enough: Exchange may stamp its own id, and its own date.
    (s, d) => !(differentIds(s.messageId, d.internetMessageId) && !couldBeDated(d, s.date === null ? null : new Date(s.date))),
  );
  for (const [s, d] of third.pairs) matched.push({ source: s, destination: d, by: 'undated-subject' });

  const missing = third.sourceOnly;
  const left = new Set(third.destinationOnly);
  const unexpected = destination.filter((d) => left.has(d) || drafts.has(d));
  const unexpectedById = new Map(third.destinationOnly.map((d) => [d.id, d]));
  const importedButAltered = missing.flatMap((s) => {
    const destination = saidThere(s) && s.ledgerDestId !== null ? unexpectedById.get(s.ledgerDestId) : undefined;
    return destination === undefined ? [] : [{ source: s, destination }];
  });
  const altered = new Set(importedButAltered.map((a) => a.source));
  const copyKey = (d: DestinationMessage): string | null => {
    const id = normalizeMessageId(d.internetMessageId);
    return id === null ? null : `${destinationFingerprint(d)}\n${id}`;
  };
  const matchedKeys = new Set(matched.map((m) => copyKey(m.destination)).filter((k) => k !== null));
  const doubled = third.destinationOnly.filter((d) => {
    const key = copyKey(d);
    return key !== null && matchedKeys.has(key);
  });
  return {
    expected,
    matched,
    missing,
    unexpected,
    ledgerImportedButAbsent: missing.filter((s) => saidThere(s) && !altered.has(s)),
    importedButAltered,
    doubled,
  };
}

/** The import's own rule (policy/match.ts), carrying our values through its keys and ids. */
function fingerprintPass<S extends ComparableSource>(source: readonly S[], destination: readonly DestinationMessage[]): { matched: Array<[S, DestinationMessage]>; sourceOnly: S[]; destinationOnly: DestinationMessage[] } {
  const sources = new Map(source.map((s) => [s.key, s]));
  const destinations = new Map(destination.map((d) => [d.id, d]));
  const result = matchMultiset(
    source.map((s) => ({ key: s.key, fingerprint: s.fingerprint, messageId: s.messageId })),
    destination.map((d) => ({ id: d.id, fingerprint: destinationFingerprint(d), messageId: d.internetMessageId })),
  );
  const pick = <K, V>(map: ReadonlyMap<K, V>, key: K): V => {
    const value = map.get(key);
    if (value === undefined) throw new Error(`reconcile: match returned an unknown key ${String(key)}`);
    return value;
  };
  return {
    matched: result.matched.map(([key, id]) => [pick(sources, key), pick(destinations, id)]),
    sourceOnly: result.sourceOnly.map((key) => pick(sources, key)),
    destinationOnly: result.destinationOnly.map((id) => pick(destinations, id)),
  };
}

/**
 * Pairs by Message-ID, in input order, where the two also agree on something else: the subject (read
 * leniently: a charset the server read otherwise, an encoded word it could decode and we could not), or
 * the date to the second. A distinct message sharing the Message-ID (a list's copy with a tagged subject,
 * sent later) is never taken for the one already there.
 */
function pairById<S extends ComparableSource>(sources: readonly S[], destinations: readonly DestinationMessage[]): { pairs: Array<[S, DestinationMessage]>; sourceOnly: S[]; destinationOnly: DestinationMessage[] } {
  const byId = new Map<string, DestinationMessage[]>();
  for (const d of destinations) {
    const id = normalizeMessageId(d.internetMessageId);
    if (id !== null) byId.set(id, [...(byId.get(id) ?? []), d]);
  }
  const taken = new Set<DestinationMessage>();
  const pairs: Array<[S, DestinationMessage]> = [];
  const sourceOnly: S[] = [];
  for (const s of sources) {
    const id = normalizeMessageId(s.messageId);
    const d = id === null ? undefined : byId.get(id)?.find((c) => !taken.has(c) && (subjectsAgree(c.subject, s.subject) || sameSecond(s.date, c.sentDateTime)));
    if (d === undefined) {
      sourceOnly.push(s);
      continue;
    }
    taken.add(d);
    pairs.push([s, d]);
  }
  return { pairs, sourceOnly, destinationOnly: destinations.filter((d) => !taken.has(d)) };
}

function sameSecond(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return false;
  return Math.floor(Date.parse(a) / 1000) === Math.floor(Date.parse(b) / 1000);
}

function differentIds(a: string | null, b: string | null): boolean {
  const x = normalizeMessageId(a);
  const y = normalizeMessageId(b);
  return x !== null && y !== null && x !== y;
}

function saidThere(source: ComparableSource): boolean {
  return source.ledgerState !== null && LEDGER_SAYS_THERE.has(source.ledgerState);
}

/** Multiset pairing on a derived key (null = cannot pair), in input order so the answer is stable. */
function pairBy<S, D>(
  sources: readonly S[],
  destinations: readonly D[],
  sourceKey: (s: S) => string | null,
  destinationKey: (d: D) => string | null,
  fits: (s: S, d: D) => boolean = () => true,
): { pairs: Array<[S, D]>; sourceOnly: S[]; destinationOnly: D[] } {
  const waiting = new Map<string, D[]>();
  const destinationOnly = new Set<D>(destinations);
  for (const d of destinations) {
    const key = destinationKey(d);
    if (key === null) continue;
    const list = waiting.get(key);
    if (list) list.push(d);
    else waiting.set(key, [d]);
  }
  const pairs: Array<[S, D]> = [];
  const sourceOnly: S[] = [];
  for (const s of sources) {
    const key = sourceKey(s);
    const list = key === null ? undefined : waiting.get(key);
    const at = list ? list.findIndex((c) => fits(s, c)) : -1;
    const d = list && at >= 0 ? list.splice(at, 1)[0] : undefined;
    if (d === undefined) {
      sourceOnly.push(s);
      continue;
    }
    pairs.push([s, d]);
    destinationOnly.delete(d);
  }
  return { pairs, sourceOnly, destinationOnly: destinations.filter((d) => destinationOnly.has(d)) };
}
