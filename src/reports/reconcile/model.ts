/**
 * The typed result of `eml-import reconcile`: every renderer (terminal, JSON, CSV, HTML) reads this and
 * nothing else, so they cannot disagree about what is missing.
 */

/** A source message that should be in the destination, as the CSVs and the HTML name it. */
export interface SourceLine {
  readonly mailbox: string;
  readonly zip: string;
  readonly entry: string;
  /** The source folder path inside the zip ('' = top level). */
  readonly folder: string;
  /** The destination folder it was mapped to, e.g. `inbox/Projects`. */
  readonly target: string;
  readonly subject: string;
  /** ISO 8601 UTC, '' when undated. */
  readonly date: string;
  readonly messageId: string;
  /** The import ledger's state for this message; '' when reconcile ran without a ledger. */
  readonly ledgerState: string;
  /** The destination id the ledger recorded for it; '' when none. */
  readonly ledgerDestinationId: string;
}

/** A destination message that no source message accounts for (or a draft left behind). */
export interface DestinationLine {
  readonly mailbox: string;
  /** The target folder as the admin reads it, e.g. `inbox/Projects`. */
  readonly target: string;
  /** The destination folder's path as Graph names it ('' when unknown). */
  readonly folderPath: string;
  readonly subject: string;
  readonly sentDateTime: string;
  readonly internetMessageId: string;
  readonly id: string;
}

/** A draft in the mailbox's Drafts folder that looks like one of our uploads (an interrupted create). */
export interface LeftoverDraft extends DestinationLine {
  /** How it was recognised: our fingerprint property, or subject + date. */
  readonly matchedBy: 'property' | 'subject-date';
  /** The source message it resembles. */
  readonly source: SourceLine;
}

/**
 * The ledger says this message was imported as `destination.id`, and that message is in the folder, but its
 * subject or date no longer match the source: Exchange kept a copy that lost or changed its headers.
 * Counted as missing (and its copy as unexpected) all the same, so the counts do not depend on the ledger.
 */
export interface AlteredCopy {
  readonly source: SourceLine;
  readonly destination: DestinationLine;
}

/** A source message found in the destination, for the combined listing (`=`, or `*` for a weak match). */
export interface PresentLine {
  readonly source: SourceLine;
  readonly destinationId: string;
  /** fingerprint (the rule), or a weaker rescue: message-id, undated-subject (no Date header: subject alone). */
  readonly by: 'fingerprint' | 'message-id' | 'undated-subject';
}

/** One destination folder of one mailbox: what the export holds for it and what the destination holds. */
export interface ReconcileFolderRow {
  readonly mailbox: string;
  /** The target-folder key the import used; null for a source folder none of whose messages is wanted. */
  readonly target: string | null;
  /** How the row is named: the target as the admin reads it (`inbox/Projects`), or why it has none. */
  readonly label: string;
  /** The destination folder's path as Graph names it; null when the folder does not exist. */
  readonly folderPath: string | null;
  /** Source folders whose messages map here. */
  readonly sourceFolders: readonly string[];
  /** Messages in the export mapped to this folder (spam, duplicates and excluded included). */
  readonly inExport: number;
  readonly spam: number;
  readonly duplicates: number;
  /** Left out by the include/exclude folder globs. */
  readonly excluded: number;
  readonly expected: number;
  /** Recorded as imported or already present in the ledger; null without a ledger. */
  readonly importedPerLedger: number | null;
  readonly present: number;
  /** Exchange's own count of items in the folder; null when the folder does not exist. */
  readonly totalItemCount: number | null;
  /** Messages the folder listing returned; null when the folder does not exist or could not be read. */
  readonly listed: number | null;
  readonly missing: number;
  readonly unexpected: number;
  /** Ledger says imported or present, the destination lacks it; null without a ledger. */
  readonly ledgerImportedButAbsent: number | null;
  /** Ledger says imported, its copy is there with other headers (see AlteredCopy); null without a ledger. */
  readonly importedButAltered: number | null;
  /** Present only through a weaker match (Message-ID or undated subject), worth a look. */
  readonly weakMatches: number;
  /** Why this folder could not be read, when it could not; its expected messages then count as missing. */
  readonly error: string | null;
}

export interface ReconcileTotals {
  readonly expected: number;
  readonly present: number;
  readonly missing: number;
  readonly unexpected: number;
  readonly drafts: number;
  /** Null without a ledger. */
  readonly ledgerImportedButAbsent: number | null;
  /** Null without a ledger. */
  readonly importedButAltered: number | null;
  readonly inExport: number;
  readonly spam: number;
  readonly duplicates: number;
  readonly excluded: number;
  /** Source entries (or whole archives) that could not be read: what they hold cannot be checked. */
  readonly unreadable: number;
}

export interface ReconcileReport {
  readonly generatedAt: string;
  /** Whether the import ledger was read (states and imported-but-absent are then known). */
  readonly withLedger: boolean;
  readonly mailboxes: readonly string[];
  readonly totals: ReconcileTotals;
  readonly folders: readonly ReconcileFolderRow[];
  readonly missing: readonly SourceLine[];
  readonly unexpected: readonly DestinationLine[];
  /** Every pair found; the combined listing only (reconcile.json carries the counts, not this list). */
  readonly present: readonly PresentLine[];
  readonly drafts: readonly LeftoverDraft[];
  readonly ledgerImportedButAbsent: readonly SourceLine[];
  readonly importedButAltered: readonly AlteredCopy[];
  /** Things the admin should know that are not counts: mapping flags differing from the import's, etc. */
  readonly warnings: readonly string[];
  /**
   * Missing messages found in the user's online archive (by Message-ID): not in the primary mailbox, where
   * an archive policy moved them, rather than lost. Still counted in `missing`. Absent when not looked for.
   */
  readonly notInPrimary?: readonly SourceLine[];
  /**
   * Missing messages whose copy is unexpected in another compared folder of the mailbox (same Message-ID and
   * subject): moved there, not lost. Still counted in `missing`. Absent when there are none.
   */
  readonly moved?: readonly MovedLine[];
  /**
   * Unexpected messages that are a second copy of a present one (same subject, date and Message-ID): the
   * message is in its folder twice. Also in `unexpected`. Absent when there are none.
   */
  readonly doubled?: readonly DestinationLine[];
}

/** A missing message found in another folder of its mailbox. */
export interface MovedLine {
  readonly source: SourceLine;
  /** Where its copy is, as Graph names the folder. */
  readonly folderPath: string;
  readonly destinationId: string;
}

/**
 * The one test of success: nothing expected is missing, every folder could be read, and every source
 * entry could be read (an unreadable entry may hide a message nobody can look for).
 */
export function isComplete(report: ReconcileReport): boolean {
  return report.totals.missing === 0 && report.totals.unreadable === 0 && report.folders.every((f) => f.error === null);
}

/** True when the row shows a difference an admin must look at. */
export function rowHasMismatch(row: ReconcileFolderRow): boolean {
  return row.missing > 0 || row.unexpected > 0 || (row.ledgerImportedButAbsent ?? 0) > 0 || row.error !== null;
}
