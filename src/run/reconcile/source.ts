/**
 * What one mailbox's exports say each destination folder should hold, from the scan's rows: the wanted
 * messages to compare, and the folder's export, spam, duplicate and excluded counts. Pure: rows in,
 * buckets out.
 */
import { fingerprint } from '../../message/fingerprint.js';
import { datedByDateHeader } from '../../message/types.js';
import { compareFolderSegments, decodeTarget } from '../../policy/target.js';
import type { MessageRow } from '../../ledger/ledger.js';
import type { LedgerEntry } from './ledger-lookup.js';
import type { ComparableSource } from './compare.js';

export interface ReconcileSourceMessage extends ComparableSource {
  readonly zip: string;
  readonly entry: string;
  readonly folder: string;
  /** The target-folder key the scan computed. */
  readonly target: string;
}

export interface SourceBucket {
  /** The destination folder's identity: Exchange folds case in folder names, so `Projects` and `projects` are one. */
  readonly key: string;
  /** A target key to look the folder up with; null for a source folder none of whose messages is wanted. */
  readonly target: string | null;
  readonly sourceFolders: readonly string[];
  readonly inExport: number;
  readonly spam: number;
  readonly duplicates: number;
  readonly excluded: number;
  readonly wanted: readonly ReconcileSourceMessage[];
}

export interface SourceContext {
  readonly zipName: (zipId: number) => string;
  /** The import ledger's record of this entry; null without a ledger or when the ledger lacks the entry. */
  readonly ledger: (zipId: number, entryIndex: number) => LedgerEntry | null;
}

/** Folded identity of a target key (NFC, lower case), as Exchange compares sibling folder names. */
export function destinationIdentity(target: string): string {
  return JSON.stringify(decodeTarget(target).map((s) => s.normalize('NFC').toLowerCase()));
}

interface Building {
  key: string;
  target: string | null;
  sourceFolders: Set<string>;
  inExport: number;
  spam: number;
  duplicates: number;
  excluded: number;
  wanted: ReconcileSourceMessage[];
}

/**
 * Groups one mailbox's message rows by destination folder. A row the policy dropped before mapping (spam,
 * excluded) has no target; it is counted with the folder most of its source folder's messages go to, and a
 * source folder with no wanted message at all (a Junk folder) gets a row of its own without a target.
 */
export function bucketSource(rows: readonly MessageRow[], context: SourceContext): SourceBucket[] {
  const messages = rows.filter((r) => r.kind === 'message');
  const targetOfFolder = majorityTargets(messages);
  const buckets = new Map<string, Building>();
  const bucketFor = (target: string | null, folder: string): Building => {
    const key = target === null ? `source:${folder}` : destinationIdentity(target);
    let bucket = buckets.get(key);
    if (!bucket) {
      bucket = { key, target, sourceFolders: new Set(), inExport: 0, spam: 0, duplicates: 0, excluded: 0, wanted: [] };
      buckets.set(key, bucket);
    }
    return bucket;
  };
  for (const row of messages) {
    const target = row.target ?? targetOfFolder.get(row.folder) ?? null;
    const bucket = bucketFor(target, row.folder);
    bucket.sourceFolders.add(row.folder);
    bucket.inExport += 1;
    if (row.verdict === 'spam') bucket.spam += 1;
    else if (row.verdict === 'duplicate') bucket.duplicates += 1;
    else if (row.verdict === 'excluded') bucket.excluded += 1;
    else if (row.verdict === 'importable' && row.target !== null) bucket.wanted.push(toSourceMessage(row, row.target, context));
  }
  return [...buckets.values()]
    .map((b) => ({ ...b, sourceFolders: [...b.sourceFolders].sort() }))
    .sort((a, b) => compareFolderSegments(segmentsOf(a), segmentsOf(b)) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Where a bucket sits in the folder list: its target, or the source folder of a bucket without one. */
function segmentsOf(bucket: { target: string | null; sourceFolders: readonly string[] }): string[] {
  if (bucket.target !== null) return decodeTarget(bucket.target);
  const folder = bucket.sourceFolders[0] ?? '';
  return folder === '' ? [] : folder.split('/');
}

function toSourceMessage(row: MessageRow, target: string, context: SourceContext): ReconcileSourceMessage {
  const recorded = context.ledger(row.zipId, row.entryIndex);
  return {
    key: String(row.id),
    zip: context.zipName(row.zipId),
    entry: row.entry,
    folder: row.folder,
    target,
    subject: row.subject ?? '',
    date: row.date,
    datedByHeader: datedByDateHeader(row.dateSource),
    messageId: row.messageId,
    fingerprint: row.fingerprint ?? fingerprint(row.subject ?? '', row.date === null ? null : new Date(row.date)),
    ledgerState: recorded?.state ?? null,
    ledgerDestId: recorded?.destId ?? null,
  };
}

/** For each source folder, the target most of its mapped messages go to (ties: the smallest key). */
function majorityTargets(rows: readonly MessageRow[]): Map<string, string> {
  const counts = new Map<string, Map<string, number>>();
  for (const row of rows) {
    if (row.target === null) continue;
    let perTarget = counts.get(row.folder);
    if (!perTarget) {
      perTarget = new Map();
      counts.set(row.folder, perTarget);
    }
    perTarget.set(row.target, (perTarget.get(row.target) ?? 0) + 1);
  }
  const result = new Map<string, string>();
  for (const [folder, perTarget] of counts) {
    const best = [...perTarget].sort(([ta, a], [tb, b]) => b - a || (ta < tb ? -1 : ta > tb ? 1 : 0))[0];
    if (best) result.set(folder, best[0]);
  }
  return result;
}
