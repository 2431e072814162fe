/** Exchange's locale-independent folder names that may stand first in a target path. */

export const WELL_KNOWN_FOLDERS = [
  'inbox',
  'sentitems',
  'deleteditems',
  'drafts',
  'outbox',
  'archive',
  'junkemail',
  'msgfolderroot',
] as const;

export type WellKnownFolder = (typeof WELL_KNOWN_FOLDERS)[number];

/** The well-known name `segment` stands for (case-insensitively), or null for an ordinary folder name. */
export function wellKnownFolder(segment: string): WellKnownFolder | null {
  const lower = segment.toLowerCase();
  return (WELL_KNOWN_FOLDERS as readonly string[]).includes(lower) ? (lower as WellKnownFolder) : null;
}

/** Exchange compares folder names without regard to case; so do we, so a lookup never misses a sibling. */
export function folderNameKey(displayName: string): string {
  return displayName.toLowerCase();
}

/** The admin-readable path of a child: display names joined with `/` (the root's own path is empty). */
export function childPath(parentPath: string, displayName: string): string {
  return parentPath === '' ? displayName : `${parentPath}/${displayName}`;
}
