/**
 * Matching source messages against a destination inventory, counted as multisets: for the import's
 * "already present" check and for reconcile. Within one fingerprint, min(source, destination) pairs match,
 * so two source copies against one destination copy leave one source-only (one more goes in).
 * The Message-ID only decides which ones pair up, never how many.
 */

export interface SourceItem {
  readonly key: string;
  readonly fingerprint: string;
  readonly messageId: string | null;
}

export interface DestinationItem {
  readonly id: string;
  readonly fingerprint: string;
  readonly messageId: string | null;
}

export interface MultisetMatch {
  /** [source key, destination id] pairs. */
  readonly matched: [string, string][];
  /** Source keys with no counterpart, in input order. */
  readonly sourceOnly: string[];
  /** Destination ids with no counterpart, in input order. */
  readonly destinationOnly: string[];
}

/** Message-IDs compared without surrounding whitespace and angle brackets; '' means none. */
function idOf(messageId: string | null): string {
  return (messageId ?? '').trim().replace(/^<(.*)>$/, '$1').trim();
}

function groupBy<T>(items: readonly T[], fingerprintOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const fp = fingerprintOf(item);
    const group = groups.get(fp);
    if (group) group.push(item);
    else groups.set(fp, [item]);
  }
  return groups;
}

/**
 * Pairs one fingerprint's messages: equal Message-IDs first; then a message with an ID against one without;
 * then the rest in order (an ID on one side and another ID on the other still match by fingerprint).
 */
function pairGroup(sources: readonly SourceItem[], destinations: readonly DestinationItem[], matched: [string, string][]): {
  sourceLeft: Set<SourceItem>;
  destinationLeft: Set<DestinationItem>;
} {
  const sourceLeft = new Set(sources);
  const destinationLeft = new Set(destinations);
  const pair = (s: SourceItem, d: DestinationItem): void => {
    matched.push([s.key, d.id]);
    sourceLeft.delete(s);
    destinationLeft.delete(d);
  };
  const byId = new Map<string, DestinationItem[]>();
  for (const d of destinations) {
    const id = idOf(d.messageId);
    if (id === '') continue;
    const same = byId.get(id);
    if (same) same.push(d);
    else byId.set(id, [d]);
  }
  for (const s of sources) {
    const same = byId.get(idOf(s.messageId));
    const d = same?.find((candidate) => destinationLeft.has(candidate));
    if (d) pair(s, d);
  }
  const passes: [(s: SourceItem) => boolean, (d: DestinationItem) => boolean][] = [
    [(s) => idOf(s.messageId) !== '', (d) => idOf(d.messageId) === ''],
    [(s) => idOf(s.messageId) === '', () => true],
    [() => true, () => true],
  ];
  for (const [sourceFits, destinationFits] of passes) {
    const candidates = [...destinationLeft].filter(destinationFits);
    let next = 0;
    for (const s of [...sourceLeft].filter(sourceFits)) {
      const d = candidates[next++];
      if (!d) break;
      pair(s, d);
    }
  }
  return { sourceLeft, destinationLeft };
}

export function matchMultiset(source: readonly SourceItem[], destination: readonly DestinationItem[]): MultisetMatch {
  const destinationGroups = groupBy(destination, (d) => d.fingerprint);
  const matched: [string, string][] = [];
  const sourceLeft = new Set<SourceItem>();
  const destinationLeft = new Set<DestinationItem>();
  for (const [fp, sources] of groupBy(source, (s) => s.fingerprint)) {
    const left = pairGroup(sources, destinationGroups.get(fp) ?? [], matched);
    for (const s of left.sourceLeft) sourceLeft.add(s);
    for (const d of left.destinationLeft) destinationLeft.add(d);
    destinationGroups.delete(fp);
  }
  for (const rest of destinationGroups.values()) for (const d of rest) destinationLeft.add(d);
  return {
    matched,
    sourceOnly: source.filter((s) => sourceLeft.has(s)).map((s) => s.key),
    destinationOnly: destination.filter((d) => destinationLeft.has(d)).map((d) => d.id),
  };
}
