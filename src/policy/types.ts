/** Pure decisions about a message: plain values in, plain values out. */

/** What will happen to one zip entry. */
export type Verdict = 'importable' | 'spam' | 'duplicate' | 'calendar' | 'export-log' | 'unreadable' | 'excluded';

/** A user rule from `--spam-header 'X-Foo: ^yes'`: header name and a case-insensitive pattern. */
export interface HeaderRule {
  readonly header: string;
  readonly pattern: RegExp;
  /** How the rule is named in reports, e.g. `X-Foo: ^yes`. */
  readonly label: string;
}

export interface SpamOptions {
  readonly keepJunk: boolean;
  readonly userRules: readonly HeaderRule[];
}

export type SpamDecision = { readonly spam: false } | { readonly spam: true; readonly rule: string };

/** The dedup decision for one message within its target folder. */
export type DuplicateDecision =
  | { readonly kind: 'first' }
  /** Same fingerprint and same (or missing) Message-ID as an earlier message: dropped. */
  | { readonly kind: 'duplicate'; readonly of: string }
  /** Same fingerprint, different Message-IDs: both kept and reported. */
  | { readonly kind: 'collision'; readonly with: string };
