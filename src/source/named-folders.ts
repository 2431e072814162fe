/**
 * The folders a zip names: what an export log's totalFolders is compared with. Every entry counts, a
 * directory entry included, and so does every parent of a folder, so an empty parent (`Archive/` above
 * `Archive/2019/`) is a folder too; the top level and an export-job prefix shared by every entry are not.
 * WorkMail does not document what it counts: this is our best reading, and the comparison is a
 * cross-check, never an error.
 */
import { walkCentralDirectory } from './central-directory.js';
import { SharedRootFinder, directorySegments, folderSegmentsOf, isDirectoryName } from './entry-name.js';
import { openZipFile } from './zip-file.js';

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

/**
 * The folders of a zip's entries as the scan will give them (folderSegmentsOf under the shared root), from
 * its central directory alone: local or s3://. Throws as walkCentralDirectory does.
 */
export async function entryFolders(location: string): Promise<string[][]> {
  const zip = await openZipFile(location, { blocking: false });
  try {
    const roots = new SharedRootFinder();
    // One entry name per directory part: a folder depends on that part alone, so a zip of 200,000 entries
    // holds as many names here as it has folders.
    const oneNamePerDirectory = new Map<string, string>();
    for await (const entry of walkCentralDirectory(location, zip)) {
      roots.add(entry.name);
      if (isDirectoryName(entry.name)) continue;
      const directory = entry.name.slice(0, entry.name.lastIndexOf('/') + 1);
      if (!oneNamePerDirectory.has(directory)) oneNamePerDirectory.set(directory, entry.name);
    }
    const root = roots.root();
    const folders = new Map<string, string[]>();
    for (const name of oneNamePerDirectory.values()) {
      const segments = folderSegmentsOf(name, root);
      folders.set(JSON.stringify(segments), segments);
    }
    return [...folders.values()];
  } finally {
    await zip.close();
  }
}
