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
