/**
 * Settling a folder's open rows against what the folder already holds, before anything is uploaded: a
 * copy an earlier run's unanswered create left is that create's (imported), a copy that matches a row
 * never sent was there before us (already present).
 */
import { datedByDateHeader } from '../../message/types.js';
import { isAnothers, lookupsTake } from '../../destination/graph/find-message.js';
import { compareFolder } from '../reconcile/compare.js';
import { PARTIAL_UPLOAD, type Ledger, type MessageRow } from '../../ledger/ledger.js';
import type { DestinationMessage, MessageHint } from '../../destination/types.js';

/** Rows the import still has to settle: anything not known to be in the destination. */
export function isUnsettled(row: MessageRow): boolean {
  return row.state === 'pending' || row.state === 'in_flight' || (row.state === 'failed' && row.errorClass !== PARTIAL_UPLOAD);
}

/** A create went out for this row and no answer settled it: it may be in the destination, or still land. */
export function isUnanswered(row: MessageRow): boolean {
  return row.state === 'in_flight' || (row.state === 'failed' && row.errorClass === 'ambiguous-create');
}

/** What a lookup for the row's create goes by. */
export function hintOf(row: MessageRow): MessageHint {
  return { subject: row.subject ?? '', date: row.date === null ? null : new Date(row.date), messageId: row.messageId };
}

export interface Settled {
  readonly present: number;
  readonly recovered: number;
  /** JSON creates found without all their attachments: completeLater adds the rest. */
  readonly completing: Set<number>;
}

/**
 * Settles the folder's open rows against what the destination holds that no settled row accounts for
 * (`unclaimed`: the listing's candidates less drafts and the settled rows' destination ids). `rows` need
 * only be those sharing a key with an unclaimed message: no other can pair.
 *
 * First each unanswered row (a create an earlier run sent and heard nothing back from) takes the copy its
 * own re-check would take (GraphMailbox.confirmCreate's rule on the listing in hand: its Message-ID, or
 * without one its subject and date, never a copy whose Message-ID another row carries), and is imported.
 * Then the rows with no create out (never sent, or refused) are compared with the rest by reconcile's
 * comparison (fingerprint, then Message-ID, then subject for messages Exchange could not date), so the
 * import and the proof afterwards agree on what "already there" means, and are already present. Compared
 * all at once, a look-alike with a Message-ID took the landed copy of one without: it was marked imported
 * and never sent, and the other sent twice (corpus kill soak, seed 151). An unanswered row whose copy is
 * not found stays open: re-checked once its landing window has passed, or sent again. A dry run writes
 * these to its scratch ledger.
 */
export function settleAgainstInventory(
  rows: readonly MessageRow[],
  unclaimed: readonly DestinationMessage[],
  ledger: Ledger,
  carriedByAnother: (internetMessageId: string) => boolean,
  complete: ((row: MessageRow, destId: string) => void) | null,
): Settled {
  const completing = new Set<number>();
  if (rows.length === 0 || unclaimed.length === 0) return { present: 0, recovered: 0, completing };
  const open = rows.filter(isUnsettled);
  const left = new Set(unclaimed);
  // `unclaimed` holds no settled row's copy already; what another row's Message-ID makes another's is asked.
  const claimed = { has: () => false, carriedByAnother };
  let recovered = 0;
  let present = 0;
  for (const row of open.filter(isUnanswered)) {
    const hint = hintOf(row);
    const copy = [...left].find((m) => lookupsTake(m, row.fingerprint ?? '', hint) && !isAnothers(m, hint, claimed));
    if (!copy) continue;
    left.delete(copy);
    if (row.method === 'json' && complete !== null) {
      // A JSON create is the message and then the attachments that did not fit in it: the run may have
      // stopped between the two, or part-way through the attachments. It is imported once they are all there.
      completing.add(row.id);
      complete(row, copy.id);
    } else if (row.method) {
      recovered += 1;
      ledger.markImported(row.id, copy.id, row.method);
    } else {
      present += 1;
      ledger.markPresent(row.id, copy.id);
    }
  }
  // Rows with no create of theirs out: never sent, or refused (nothing was made).
  const noCreateOut = open.filter((r) => !isUnanswered(r));
  const byKey = new Map(noCreateOut.map((r) => [String(r.id), r]));
  const comparison = compareFolder(
    noCreateOut.map((r) => ({
      key: String(r.id),
      subject: r.subject ?? '',
      date: r.date,
      datedByHeader: datedByDateHeader(r.dateSource),
      messageId: r.messageId,
      fingerprint: r.fingerprint ?? '',
      ledgerState: r.state,
      ledgerDestId: r.destId,
    })),
    [...left],
  );
  for (const pair of comparison.matched) {
    const row = byKey.get(pair.source.key);
    if (!row) continue;
    present += 1;
    ledger.markPresent(row.id, pair.destination.id);
  }
  return { present, recovered, completing };
}
