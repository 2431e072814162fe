/**
 * Drafts left behind: the MIME path creates in Drafts and then moves, and the JSON path creates before it
 * finishes; a run killed in between leaves a copy in Drafts. Pure: plain values in, plain values out.
 */
import { fingerprint } from '../../message/fingerprint.js';
import type { DestinationMessage } from '../../destination/types.js';
import type { ComparableSource } from './compare.js';

export interface DraftMatch<S> {
  readonly draft: DestinationMessage;
  readonly source: S;
  readonly by: 'property' | 'subject-date';
}

/**
 * Drafts that answer to a source message's fingerprint: by our named property when the draft carries it,
 * else by subject + sentDateTime. `drafts` must already exclude Drafts messages that a source message
 * mapped to Drafts accounts for (those are wanted, not left behind).
 */
export function findLeftoverDrafts<S extends ComparableSource>(sources: readonly S[], drafts: readonly DestinationMessage[]): DraftMatch<S>[] {
  const byFingerprint = new Map<string, S>();
  for (const s of sources) if (!byFingerprint.has(s.fingerprint)) byFingerprint.set(s.fingerprint, s);
  const found: DraftMatch<S>[] = [];
  for (const draft of drafts) {
    const byProperty = draft.importFingerprint ? byFingerprint.get(draft.importFingerprint) : undefined;
    if (byProperty !== undefined) {
      found.push({ draft, source: byProperty, by: 'property' });
      continue;
    }
    const sent = draft.sentDateTime ? new Date(draft.sentDateTime) : null;
    const bySubject = byFingerprint.get(fingerprint(draft.subject, sent !== null && !Number.isNaN(sent.getTime()) ? sent : null));
    if (bySubject !== undefined) found.push({ draft, source: bySubject, by: 'subject-date' });
  }
  return found;
}
