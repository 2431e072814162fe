/**
 * The run's duplicate pass over a mailbox (or a zip without one), once all of its zips in the run are in
 * the ledger; rows need their scope (Ledger.fillMissingScopes). Scopes never span two mailboxes, so a
 * mailbox is decided alone, and can be imported while the next one is read. A message may be dropped as a
 * duplicate only of an original that is in this run or that was delivered (imported, or found in the
 * destination): a pending or failed row of a zip that is not part of this run is not an original, since
 * nothing says it will ever be imported. Decisions of earlier runs are weighed again each run, because
 * the set of zips can change (an export moved, a shard re-planned) while the ledger stays.
 */
import { DuplicateTracker, senderKey } from '../../policy/duplicates.js';
import { normalizeMessageId, normalizeSubject } from '../../message/fingerprint.js';
import type { DedupRow, DuplicateDecisionRow, Ledger, ZipRecord } from '../../ledger/ledger.js';
import { mailboxesOf } from '../mailboxes-of.js';

/** Per zip of the run: duplicates whose original lies in a zip outside the run (delivered from there). */
export interface OutsideOriginals {
  readonly zipId: number;
  readonly count: number;
  /** The zips outside the run that hold those originals. */
  readonly fromZipIds: readonly number[];
}

export function deduplicateRun(zips: readonly ZipRecord[], ledger: Ledger): OutsideOriginals[] {
  ledger.setRunZips(zips.map((z) => z.id));
  const outside = new Map<number, { count: number; from: Set<number> }>();
  const mailboxes = mailboxesOf(zips);
  const scopes = [...mailboxes.map((mailbox) => ({ mailbox })), ...zips.filter((z) => z.mailbox === null).map((z) => ({ zipId: z.id }))];
  for (const scope of scopes) {
    const decisions = decideScope(ledger.dedupRows(scope), outside);
    ledger.applyDuplicateDecisions(decisions);
  }
  return [...outside].map(([zipId, o]) => ({ zipId, count: o.count, fromZipIds: [...o.from] }));
}

/**
 * Rows arrive grouped by scope and fingerprint (Ledger.dedupRows), so a tracker holds one group at a
 * time. Only rows whose fate is still open (pending, or an earlier duplicate) change; a row in flight,
 * failed or delivered keeps its state and still stands as an original for the rest of its group.
 */
function decideScope(rows: Iterable<DedupRow>, outside: Map<number, { count: number; from: Set<number> }>): DuplicateDecisionRow[] {
  const changes: DuplicateDecisionRow[] = [];
  let tracker = new DuplicateTracker();
  let group = '';
  const zipOf = new Map<number, DedupRow>();
  for (const row of rows) {
    const key = `${row.scope}\u0000${row.fingerprint}`;
    if (key !== group) {
      group = key;
      tracker = new DuplicateTracker();
      zipOf.clear();
    }
    zipOf.set(row.id, row);
    const weak = normalizeSubject(row.subject ?? '') === '';
    const content = row.crc32 === null ? null : `${(row.crc32 >>> 0).toString(16)}:${row.size}`;
    // `<a@b>` and `a@b` are one message (as reconcile reads them): compared as written, both were imported
    const decision = tracker.observe(String(row.id), '', row.fingerprint, normalizeMessageId(row.messageId), { content, weak, sender: senderKey(row.sender) });
    const open = row.state === 'pending' || row.state === 'skipped';
    if (!open) continue;
    if (decision.kind === 'duplicate') {
      const of = Number(decision.of);
      if (row.verdict !== 'duplicate' || row.duplicateOf !== of) changes.push({ id: row.id, duplicateOf: of });
      const original = zipOf.get(of);
      if (original && !original.inRun) {
        const tally = outside.get(row.zipId) ?? { count: 0, from: new Set<number>() };
        tally.count += 1;
        tally.from.add(original.zipId);
        outside.set(row.zipId, tally);
      }
    } else if (decision.kind === 'collision') {
      const partner = Number(decision.with);
      if (row.verdict !== 'importable' || !row.collision || row.duplicateOf !== partner) changes.push({ id: row.id, collidesWith: partner });
    } else if (row.verdict !== 'importable' || row.collision || row.duplicateOf !== null) {
      changes.push({ id: row.id });
    }
  }
  return changes;
}
