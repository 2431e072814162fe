/**
 * The ledger's message rows as the rest of the program sees them. Apart from ledger.ts (which re-exports
 * them) so that the ledger's helpers (folder-work.ts) can name a row without importing the ledger itself.
 */
import type { EntryKind, EntryLocation } from '../source/types.js';
import type { Verdict } from '../policy/types.js';
import type { UploadMethod } from '../destination/types.js';

/** Where a wanted message stands against the destination. */
export type MessageState = 'pending' | 'in_flight' | 'imported' | 'present' | 'failed' | 'skipped';

/** One zip entry as the scan saw it: what it is, where it goes and what the policy decided. */
export interface NewEntryRow {
  readonly zipId: number;
  readonly entry: string;
  /** Position in the central directory; negative for an archive-level error that has no entry. */
  readonly entryIndex: number;
  readonly folder: string;
  readonly target: string | null;
  readonly kind: EntryKind;
  readonly subject: string | null;
  readonly sender: string | null;
  readonly date: string | null;
  readonly dateSource: string | null;
  /** Lines of the header block that are not fields (MessageSummary `headerDefects`); 0 when not given. */
  readonly headerDefects?: number;
  readonly messageId: string | null;
  readonly fingerprint: string | null;
  readonly size: number;
  /** The entry's CRC-32 from the central directory; null for an archive-level error. */
  readonly crc32: number | null;
  /** Where its data is in the zip; null (or absent) for an archive-level error and in rows of earlier versions. */
  readonly location?: EntryLocation | null;
  /** The duplicate scope of the target (policy/duplicate-scope.ts); null when there is no target. */
  readonly scope: string | null;
  readonly verdict: Verdict;
  readonly rule: string | null;
  readonly readError: string | null;
  /** Unreadable only because its bytes could not be had this time (an S3 outage): the next run reads it again. */
  readonly readAgain?: boolean;
}

export interface MessageRow extends NewEntryRow {
  readonly id: number;
  /** For a duplicate, the row it duplicates; for a collision, the earlier row with the same fingerprint. */
  readonly duplicateOf: number | null;
  /** Kept although an earlier message in the same target folder has its fingerprint (another Message-ID). */
  readonly collision: boolean;
  readonly state: MessageState;
  readonly destId: string | null;
  readonly method: UploadMethod | null;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly errorClass: string | null;
  /** When the last create was sent (ISO); a create may still land for a while after that. */
  readonly attemptAt: string | null;
}
