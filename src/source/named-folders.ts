/**
 * The folders a zip names: what an export log's totalFolders is compared with. Every entry counts, a
 * directory entry included, and so does every parent of a folder, so an empty parent (`Archive/` above
 * `Archive/2019/`) is a folder too; the top level and an export-job prefix shared by every entry are not.
 * WorkMail does not document what it counts: this is our best reading, and the comparison is a
 * cross-check, never an error.
 */
import { walkCentralDirectory } from './central-directory.js';
import { SharedRootFinder, directorySegments, folderSegmentsOf } from './entry-name.js';

export class NamedFolders {
  private readonly roots = new SharedRootFinder();
  /** Distinct directory parts (as in the zip, JSON of their segments): few, however many entries. */
  private readonly directories = new Set<string>();

  add(entryName: string): void {
    this.roots.add(entryName);
    // A directory's name with a trailing '/' added makes folderSegmentsOf keep its last segment.
    this.directories.add(JSON.stringify(directorySegments(entryName)));
  }

  count(): number {
    const root = this.roots.root();
    const named = new Set<string>();
    for (const key of this.directories) {
      const segments = folderSegmentsOf(`${(JSON.parse(key) as string[]).join('/')}/`, root);
      for (let depth = 1; depth <= segments.length; depth++) named.add(JSON.stringify(segments.slice(0, depth)));
    }
    return named.size;
  }
}

/** Walks the zip's central directory (names only) and counts the folders it names. */
export async function countNamedFolders(zipPath: string): Promise<number> {
  const folders = new NamedFolders();
  for await (const entry of walkCentralDirectory(zipPath)) folders.add(entry.name);
  return folders.count();
}
