/**
 * Spam classification: which messages are dropped, and the rule that dropped each one.
 *
 * Precedence (the first match names the rule in reports):
 * 1. X-SES-Virus-Verdict: FAIL — malware is never imported, not even with --keep-junk.
 * 2. The header verdicts: X-SES-Spam-Verdict: FAIL, X-Spam-Flag: YES, X-Spam-Status: Yes, then user rules
 *    in the order given. A filter's verdict on the message is more specific than where it was filed.
 * 3. A Junk folder at the top level (Junk E-mail, Junk Email, Junk, Spam, Bulk Mail; sub-folders too).
 *
 * --keep-junk means "import the Junk folder as it is": messages in a Junk folder are then kept, and the
 * header verdicts (2) are not applied to them either, since nearly everything in Junk carries one. Only the
 * virus verdict still drops them. Outside Junk folders --keep-junk changes nothing.
 */
import type { SpamDecision, SpamOptions } from './types.js';

/** Stable rule names, as they appear in reports. */
export const SPAM_RULES = {
  sesVirusVerdict: 'X-SES-Virus-Verdict: FAIL',
  sesSpamVerdict: 'X-SES-Spam-Verdict: FAIL',
  spamFlag: 'X-Spam-Flag: YES',
  spamStatus: 'X-Spam-Status: Yes',
  junkFolder: 'Junk folder',
} as const;

/** The prefix of a user rule's name in reports: `user rule X-Foo: ^yes`. */
export const USER_RULE_PREFIX = 'user rule ';

/** Top-level folder names that hold junk, compared case-insensitively. */
export const JUNK_FOLDER_NAMES: ReadonlySet<string> = new Set(['junk e-mail', 'junk email', 'junk', 'spam', 'bulk mail']);

export interface SpamInput {
  /** The source folder path, top level first. */
  readonly folderSegments: readonly string[];
  /** Header values by lower-cased name, decoded and unfolded. */
  readonly headers: ReadonlyMap<string, readonly string[]>;
}

interface HeaderVerdict {
  readonly rule: string;
  readonly header: string;
  readonly pattern: RegExp;
}

const SES_VIRUS: HeaderVerdict = { rule: SPAM_RULES.sesVirusVerdict, header: 'x-ses-virus-verdict', pattern: /^\s*fail\b/i };
const BUILT_IN_VERDICTS: readonly HeaderVerdict[] = [
  { rule: SPAM_RULES.sesSpamVerdict, header: 'x-ses-spam-verdict', pattern: /^\s*fail\b/i },
  { rule: SPAM_RULES.spamFlag, header: 'x-spam-flag', pattern: /^\s*yes\b/i },
  { rule: SPAM_RULES.spamStatus, header: 'x-spam-status', pattern: /^\s*yes\b/i },
];

/** True when the top-level folder is a Junk folder. */
export function isJunkFolder(folderSegments: readonly string[]): boolean {
  const top = folderSegments[0];
  return top !== undefined && JUNK_FOLDER_NAMES.has(top.trim().toLowerCase());
}

function matches(verdict: HeaderVerdict, headers: ReadonlyMap<string, readonly string[]>): boolean {
  // any occurrence counts: several hops may each have added the header
  return (headers.get(verdict.header) ?? []).some((value) => verdict.pattern.test(value));
}

export function classifySpam(input: SpamInput, options: SpamOptions): SpamDecision {
  if (matches(SES_VIRUS, input.headers)) return { spam: true, rule: SES_VIRUS.rule };
  const inJunk = isJunkFolder(input.folderSegments);
  if (inJunk && options.keepJunk) return { spam: false };
  const userVerdicts = options.userRules.map((rule) => ({
    rule: USER_RULE_PREFIX + rule.label,
    header: rule.header.toLowerCase(),
    pattern: rule.pattern,
  }));
  for (const verdict of [...BUILT_IN_VERDICTS, ...userVerdicts]) {
    if (matches(verdict, input.headers)) return { spam: true, rule: verdict.rule };
  }
  return inJunk ? { spam: true, rule: SPAM_RULES.junkFolder } : { spam: false };
}
