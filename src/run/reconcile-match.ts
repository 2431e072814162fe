/**
 * The fingerprint pass of reconcile, carrying the caller's own values through the pairing. The pairing
 * rule is the import's (multiset per fingerprint, equal Message-IDs paired first), so reconcile sees
 * exactly the pairs the import's already-present check would.
 */

export interface SourceSide<S> {
  readonly item: S;
  readonly key: string;
  readonly fingerprint: string;
  readonly messageId: string | null;
}

export interface DestinationSide<D> {
  readonly item: D;
  readonly id: string;
  readonly fingerprint: string;
  readonly messageId: string | null;
}

export interface FingerprintPairing<S, D> {
  readonly matched: ReadonlyArray<readonly [S, D]>;
  readonly sourceOnly: S[];
  readonly destinationOnly: D[];
}

export function matchByFingerprint<S, D>(source: readonly SourceSide<S>[], destination: readonly DestinationSide<D>[]): FingerprintPairing<S, D> {
  const groups = new Map<string, DestinationSide<D>[]>();
  for (const d of destination) {
    const group = groups.get(d.fingerprint);
    if (group) group.push(d);
    else groups.set(d.fingerprint, [d]);
  }
  const taken = new Set<DestinationSide<D>>();
  const pairs = new Map<SourceSide<S>, DestinationSide<D>>();
  // Equal Message-IDs first, so that within a collision group each source finds its own copy.
  for (const s of source) {
    if (s.messageId === null) continue;
    const d = groups.get(s.fingerprint)?.find((c) => !taken.has(c) && c.messageId === s.messageId);
    if (d === undefined) continue;
    taken.add(d);
    pairs.set(s, d);
  }
  for (const s of source) {
    if (pairs.has(s)) continue;
    // Same fingerprint but two different Message-IDs is a collision (two messages), never a pair.
    const d = groups.get(s.fingerprint)?.find((c) => !taken.has(c) && (s.messageId === null || c.messageId === null || c.messageId === s.messageId));
    if (d === undefined) continue;
    taken.add(d);
    pairs.set(s, d);
  }
  return {
    matched: source.flatMap((s) => {
      const d = pairs.get(s);
      return d === undefined ? [] : [[s.item, d.item] as const];
    }),
    sourceOnly: source.filter((s) => !pairs.has(s)).map((s) => s.item),
    destinationOnly: destination.filter((d) => !taken.has(d)).map((d) => d.item),
  };
}
