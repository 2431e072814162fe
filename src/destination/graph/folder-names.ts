/**
 * The key a folder name is looked up by among its siblings. Exchange compares folder names without regard
 * to case; so do we, so a lookup never misses a sibling. The name is also put in NFC, as the duplicate scope
 * is (policy/target.ts targetScope): a name exported in NFD ("Cafe\u0301") and the same name in NFC must
 * resolve to one folder, or the import fills two look-alike folders while reconcile compares one scope
 * against one of them and reports the other's messages missing, run after run.
 */
export function folderNameKey(displayName: string): string {
  return displayName.normalize('NFC').toLowerCase();
}

/** The admin-readable path of a child: display names joined with `/` (the root's own path is empty). */
export function childPath(parentPath: string, displayName: string): string {
  return parentPath === '' ? displayName : `${parentPath}/${displayName}`;
}
