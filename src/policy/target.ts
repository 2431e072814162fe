/**
 * How a target folder is stored in the ledger: its segments as JSON, so a '/' inside a folder name
 * never splits it and the key turns back into segments exactly.
 */
export function encodeTarget(segments: readonly string[]): string {
  return JSON.stringify(segments);
}

/**
 * The duplicate scope of a stored target within one mailbox. Exchange folder names are unique
 * case-insensitively within their parent, so case folds (after NFC) as Exchange does; the JSON keeps a
 * '/' inside a name apart from a level.
 */
export function targetScope(key: string): string {
  return key.normalize('NFC').toLowerCase();
}

export function decodeTarget(key: string): string[] {
  const parsed: unknown = JSON.parse(key);
  if (!Array.isArray(parsed) || !parsed.every((s) => typeof s === 'string')) throw new Error(`not a target folder key: ${key}`);
  return parsed as string[];
}

/** The target as an admin reads it, e.g. `inbox/Projects/Q3` (well-known names stay lower-case). */
export function displayTarget(key: string | null): string {
  return key === null ? '' : decodeTarget(key).join('/');
}

/** The names Exchange (in English) shows for its well-known folders. */
const WELL_KNOWN_DISPLAY_NAMES: Readonly<Record<string, string>> = {
  inbox: 'Inbox',
  sentitems: 'Sent Items',
  deleteditems: 'Deleted Items',
  drafts: 'Drafts',
  outbox: 'Outbox',
  archive: 'Archive',
  junkemail: 'Junk Email',
  msgfolderroot: '(mailbox root)',
};

/**
 * The target as the tables and Outlook name it: `Sent Items/2019`, not `sentitems/2019`. For progress and
 * log lines; reports that know the destination's own path show that.
 */
export function folderDisplayName(key: string): string {
  const [first, ...rest] = decodeTarget(key);
  if (first === undefined) return '(top level)';
  return [WELL_KNOWN_DISPLAY_NAMES[first] ?? first, ...rest].join('/');
}

/**
 * The order folders are listed in: a parent before its children, Inbox first among the top-level folders,
 * then by name (case-insensitive, as Exchange compares them). Sorting the joined paths or their JSON keys
 * put `Inbox` after `Inbox/Projects`.
 */
export function compareFolderSegments(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (x === y) continue;
    if (i === 0) {
      const inboxFirst = Number(y.toLowerCase() === 'inbox') - Number(x.toLowerCase() === 'inbox');
      if (inboxFirst !== 0) return inboxFirst;
    }
    return x.localeCompare(y, undefined, { sensitivity: 'accent' }) || (x < y ? -1 : 1);
  }
  return a.length - b.length;
}

/** compareFolderSegments for source folder paths as the reports show them ('' is the top level, first). */
export function compareFolderPaths(a: string, b: string): number {
  return compareFolderSegments(a === '' ? [] : a.split('/'), b === '' ? [] : b.split('/'));
}
