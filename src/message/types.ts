/** What the message stage knows about one RFC 5322 message after reading its header block. */

/**
 * How a message was dated: from its Date header with a zone it names ('date'), from its Date header with
 * no zone or one that is not known, read as UTC per RFC 5322 §4.3 ('date-assumed-zone': the destination
 * may read that zone otherwise), from the top Received header when the Date header is missing or holds no
 * date and time ('received'), or not at all. Stored in the ledger's date_source column as is.
 */
export type DateSource = 'date' | 'date-assumed-zone' | 'received' | 'none';

/**
 * Whether the destination takes the message's sentDateTime from the same Date header (with or without a
 * zone it names): then matching by subject alone, the fallback for messages Exchange dates on its own, must
 * not apply. Takes a ledger's stored value, so any string.
 */
export function datedByDateHeader(source: string | null): boolean {
  return source === 'date' || source === 'date-assumed-zone';
}

export interface MessageSummary {
  /** Decoded Subject as Outlook would show it; '' when absent. */
  readonly subject: string;
  /** Decoded From; '' when absent. */
  readonly from: string;
  /** The message date in UTC, or null when the message is undated. */
  readonly date: Date | null;
  readonly dateSource: DateSource;
  /** Message-ID including angle brackets as written, trimmed; null when absent. */
  readonly messageId: string | null;
  /** Every header field, name lower-cased, values unfolded and decoded, in order of appearance. */
  readonly headers: ReadonlyMap<string, readonly string[]>;
  /**
   * Lines inside the header block that are neither a field nor a continuation (a stray mbox "From " line,
   * a line with no field name); reading went on past them to the blank line. 0 for a well-formed block.
   */
  readonly headerDefects: number;
  /** sha256 hex of the normalised subject and the UTC date to the second. */
  readonly fingerprint: string;
}
