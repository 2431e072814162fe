/**
 * Where a source folder lands in the destination mailbox, and which source folders are imported at all.
 *
 * Default: the top segment maps case-insensitively to an Exchange well-known folder (Inbox -> inbox,
 * Sent Items -> sentitems, ...), sub-folders keep their names below it; any other top-level folder is
 * created under the mailbox root (msgfolderroot) with its own name.
 *
 * --into NAME: everything goes below one folder NAME under the mailbox root, keeping the source path with
 * the source names (Inbox stays "Inbox" there): the point of --into is to keep the import apart.
 *
 * --archive-before DATE: a message dated before DATE goes to the well-known Archive folder, below it the
 * whole source path (Inbox/Projects -> archive/Inbox/Projects), so folders with the same name from Inbox
 * and Sent Items stay apart. A source path already under Archive is not doubled (Archive/2019 -> archive/2019).
 * Undated messages stay where they are. Deleted Items, Drafts, Outbox and Junk keep their place: archiving
 * deleted mail or drafts would resurrect them among kept mail. With --into as well, old mail goes to
 * NAME/Archive/<source path>, staying inside NAME.
 *
 * Messages at the root of an export (no folder) go to the Inbox.
 *
 * A folder under the mailbox root whose name is one of Graph's well-known folder names (a user's own
 * "DeletedItems", "JunkEmail" or "msgfolderroot") is written as msgfolderroot/<name>: the destination takes a
 * path's first segment that is such a name for that well-known folder, which would put the folder's mail
 * into Deleted Items, Junk Email (both emptied by retention) or the hidden root itself.
 */

import { rootFolderName } from './non-mail-folders.js';
import { wellKnownFolder } from './well-known-folders.js';

export interface FolderTarget {
  /** The destination path; when `wellKnown`, the first segment is a Graph well-known folder name. */
  readonly segments: string[];
  /** True when segments[0] is a well-known folder name; false when it is a folder under msgfolderroot. */
  readonly wellKnown: boolean;
  /** Why the folder differs from the plain mapping (archive-before, no source folder), for reports. */
  readonly reason?: string;
}

export interface FolderMapOptions {
  readonly into?: string;
  readonly archiveBefore?: Date;
}

/** Source top-level names (lower-case) to Graph well-known folder names. */
const WELL_KNOWN: ReadonlyMap<string, string> = new Map([
  ['inbox', 'inbox'],
  ['sent items', 'sentitems'],
  ['sent', 'sentitems'],
  ['sent messages', 'sentitems'],
  ['deleted items', 'deleteditems'],
  ['trash', 'deleteditems'],
  ['deleted messages', 'deleteditems'],
  ['drafts', 'drafts'],
  ['outbox', 'outbox'],
  ['archive', 'archive'],
  // Junk variants: reached only with --keep-junk, otherwise their messages are dropped as spam
  ['junk e-mail', 'junkemail'],
  ['junk email', 'junkemail'],
  ['junk', 'junkemail'],
  ['spam', 'junkemail'],
  ['bulk mail', 'junkemail'],
]);

/** Well-known folders whose mail is never moved to Archive by --archive-before. */
const NEVER_ARCHIVED: ReadonlySet<string> = new Set(['deleteditems', 'drafts', 'outbox', 'junkemail']);

export const ARCHIVE_BEFORE_REASON = 'archive-before';
export const NO_SOURCE_FOLDER_REASON = 'no source folder';

export function wellKnownName(segment: string): string | undefined {
  return WELL_KNOWN.get(segment.trim().toLowerCase());
}

/**
 * A folder whose name is blank (only spaces) cannot be made: Graph refuses an empty displayName, and its
 * messages failed on every run with nothing to say why (folders probe). It gets a name that says so.
 */
const BLANK_NAME = '(no name)';

export function mapFolder(
  source: readonly string[],
  message: { readonly date: Date | null },
  options: FolderMapOptions,
): FolderTarget {
  const sourceSegments = source.map((segment) => (segment.trim() === '' ? BLANK_NAME : segment));
  const [top, ...rest] = sourceSegments;
  if (top === undefined) {
    const segments = options.into === undefined ? ['inbox'] : [options.into, 'Inbox'];
    return { segments, wellKnown: options.into === undefined, reason: NO_SOURCE_FOLDER_REASON };
  }
  const known = wellKnownName(top);
  const archive =
    options.archiveBefore !== undefined &&
    message.date !== null &&
    message.date.getTime() < options.archiveBefore.getTime() &&
    !(known !== undefined && NEVER_ARCHIVED.has(known));
  if (options.into !== undefined) {
    const segments = underRoot(archive ? [options.into, 'Archive', ...sourceSegments] : [options.into, ...sourceSegments]);
    return archive ? { segments, wellKnown: false, reason: ARCHIVE_BEFORE_REASON } : { segments, wellKnown: false };
  }
  if (archive) {
    const below = known === 'archive' ? rest : [...sourceSegments];
    return { segments: ['archive', ...below], wellKnown: true, reason: ARCHIVE_BEFORE_REASON };
  }
  return known === undefined ? { segments: underRoot(sourceSegments), wellKnown: false } : { segments: [known, ...rest], wellKnown: true };
}

/** A path under the mailbox root, anchored there explicitly when its first name reads as a well-known folder. */
function underRoot(segments: readonly string[]): string[] {
  const [first, ...rest] = segments;
  if (first === undefined) return [];
  const named = [rootFolderName(first), ...rest];
  return wellKnownFolder(first) !== null ? ['msgfolderroot', ...named] : named;
}
