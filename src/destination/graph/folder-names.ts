/** Exchange compares folder names without regard to case; so do we, so a lookup never misses a sibling. */
export function folderNameKey(displayName: string): string {
  return displayName.toLowerCase();
}

/** The admin-readable path of a child: display names joined with `/` (the root's own path is empty). */
export function childPath(parentPath: string, displayName: string): string {
  return parentPath === '' ? displayName : `${parentPath}/${displayName}`;
}
