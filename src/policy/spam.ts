/**
 * Spam classification: which messages are dropped, and the rule that dropped each one.
 *
 * Precedence (the first match names the rule in reports):
 * 1. X-SES-Virus-Verdict: FAIL — malware is never imported, not even with --keep-junk.
 * 2. The header verdicts: X-SES-Spam-Verdict: FAIL, X-Spam-Flag: YES, X-Spam-Status: Yes (each by its
 *    topmost occurrence), then user rules in the order given. A filter's verdict on the message is more
 *    specific than where it was filed. None of them applies in Sent Items, Drafts or Outbox: that is the
 *    user's own mail, not a copy a filter judged on its way in.
 * 3. A Junk folder at the top level (Junk E-mail, Junk Email, Junk, Spam, Bulk Mail; sub-folders too).
 *
 * --keep-junk means "import the Junk folder as it is": messages in a Junk folder are then kept, and the
 * header verdicts (2) are not applied to them either, since nearly everything in Junk carries one. Only the
 * virus verdict still drops them. Outside Junk folders --keep-junk changes nothing.
 */
import type { SpamDecision, SpamOptions } from './types.js';
import { wellKnownName } from './folder-map.js';

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
  /**
   * Only the topmost occurrence counts. Each hop adds its fields at the top of the block (RFC 5322 3.6.7), so
   * the first one is the verdict of the system nearest the mailbox; lower ones were written by an upstream
   * relay, the sender or a mailing list, and nothing between them and WorkMail removes them. Taking any
   * occurrence let a partner relay's YES override the receiving side's NO, and let a sender get their own
   * message dropped by writing X-Spam-Flag: YES or X-SES-Spam-Verdict: FAIL into it.
   */
  readonly topmostOnly: boolean;
}

const SES_VIRUS: HeaderVerdict = { rule: SPAM_RULES.sesVirusVerdict, header: 'x-ses-virus-verdict', pattern: /^\s*fail\b/i, topmostOnly: true };
const BUILT_IN_VERDICTS: readonly HeaderVerdict[] = [
  { rule: SPAM_RULES.sesSpamVerdict, header: 'x-ses-spam-verdict', pattern: /^\s*fail\b/i, topmostOnly: true },
  { rule: SPAM_RULES.spamFlag, header: 'x-spam-flag', pattern: /^\s*yes\b/i, topmostOnly: true },
  { rule: SPAM_RULES.spamStatus, header: 'x-spam-status', pattern: /^\s*yes\b/i, topmostOnly: true },
];

/**
 * Well-known folders holding the user's own mail (what they sent, are writing or are sending): a filter's
 * verdict on an incoming copy says nothing about them, so only the virus verdict applies there.
 */
const OWN_MAIL_FOLDERS: ReadonlySet<string> = new Set(['sentitems', 'drafts', 'outbox']);

/** True when the top-level folder is a Junk folder. */
export function isJunkFolder(folderSegments: readonly string[]): boolean {
  const top = folderSegments[0];
  return top !== undefined && JUNK_FOLDER_NAMES.has(top.trim().toLowerCase());
}

function isOwnMailFolder(folderSegments: readonly string[]): boolean {
  const top = folderSegments[0];
  const known = top === undefined ? undefined : wellKnownName(top);
  return known !== undefined && OWN_MAIL_FOLDERS.has(known);
}

function matches(verdict: HeaderVerdict, headers: ReadonlyMap<string, readonly string[]>): boolean {
  const values = headers.get(verdict.header) ?? [];
  // user rules look at every occurrence: the admin named the header, knowing which system writes it
  return (verdict.topmostOnly ? values.slice(0, 1) : values).some((value) => verdict.pattern.test(value));
}

export function classifySpam(input: SpamInput, options: SpamOptions): SpamDecision {
  if (matches(SES_VIRUS, input.headers)) return { spam: true, rule: SES_VIRUS.rule };
  const inJunk = isJunkFolder(input.folderSegments);
  if (inJunk && options.keepJunk) return { spam: false };
  if (isOwnMailFolder(input.folderSegments)) return { spam: false };
  const userVerdicts = options.userRules.map((rule) => ({
    rule: USER_RULE_PREFIX + rule.label,
    header: rule.header.toLowerCase(),
    pattern: rule.pattern,
    topmostOnly: false,
  }));
  for (const verdict of [...BUILT_IN_VERDICTS, ...userVerdicts]) {
    if (matches(verdict, input.headers)) return { spam: true, rule: verdict.rule };
  }
  return inJunk ? { spam: true, rule: SPAM_RULES.junkFolder } : { spam: false };
}
