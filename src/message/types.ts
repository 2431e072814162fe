/** What the message stage knows about one RFC 5322 message after reading its header block. */

export type DateSource = 'date' | 'received' | 'none';

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
  /** sha256 hex of the normalised subject and the UTC date to the second. */
  readonly fingerprint: string;
}
