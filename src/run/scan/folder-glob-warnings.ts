import PQueue from 'p-queue';
import { globsMatchingNoFolder } from '../../policy/folder-filter.js';
import { editDistance } from '../../policy/edit-distance.js';
import type { Ledger } from '../../ledger/ledger.js';
import { entryFolders } from '../../source/named-folders.js';

export interface FolderGlobs {
  readonly include: readonly string[];
  readonly exclude: readonly string[];
}

/** Folder names shown with a warning: enough to spot the typo, few enough to read. */
const SHOWN = 5;

/**
 * One warning per --include-folder / --exclude-folder glob that matches no source folder of these zips,
 * with the folders nearest to what was typed: "0 of 4 would be imported" alone does not say why.
 */
export function folderGlobWarnings(ledger: Ledger, zipIds: ReadonlySet<number>, globs: FolderGlobs): string[] {
  if (globs.include.length === 0 && globs.exclude.length === 0) return [];
  const folders = [...new Set(ledger.sourceFolders().filter((f) => zipIds.has(f.zipId)).map((f) => f.folder))];
  return unmatchedFolderGlobs(folders.map((f) => f.split('/').filter((s) => s !== '')), globs);
}

/** The same sentences for folders given by their segments (entryFolders, before a scan). */
export function unmatchedFolderGlobs(segments: readonly (readonly string[])[], globs: FolderGlobs): string[] {
  const folders = [...new Set(segments.map((s) => s.join('/')))];
  const warnings: string[] = [];
  for (const [flag, list] of [['--include-folder', globs.include], ['--exclude-folder', globs.exclude]] as const) {
    for (const glob of globsMatchingNoFolder(list, segments)) {
      const typed = glob.replace(/\*+|\?/g, '').replace(/\/+$/, '').toLowerCase();
      const nearest = [...folders]
        .sort((a, b) => editDistance(typed, a.toLowerCase()) - editDistance(typed, b.toLowerCase()) || a.localeCompare(b))
        .slice(0, SHOWN);
      const more = folders.length > SHOWN ? `, … (${folders.length} in all)` : '';
      const have = folders.length === 0 ? 'the zips hold no folders' : `folders there include ${nearest.map((f) => `'${f}'`).join(', ')}${more}`;
      warnings.push(`${flag} '${glob}' matches no folder in the zips; ${have}`);
    }
  }
  return warnings;
}

/**
 * Before an import writes anything: the globs that match no folder of any of `zips`, read from their
 * central directories. A typo in --exclude-folder imported the folder it meant to leave out, and one in
 * --include-folder left a folder out, each found only after the first mailboxes were written. A zip that
 * cannot be read leaves the question to the scan's warning: the glob may name one of its folders.
 */
export async function folderGlobMistakes(zips: readonly string[], globs: FolderGlobs): Promise<string[]> {
  if (globs.include.length === 0 && globs.exclude.length === 0) return [];
  // A few at once, as the plan reads them: each is a few reads, mostly waiting on the disk or S3.
  const queue = new PQueue({ concurrency: 8 });
  const read = await Promise.all(zips.map((zip) => queue.add(() => entryFolders(zip).catch(() => null))));
  if (read.some((folders) => folders === null)) return [];
  return unmatchedFolderGlobs(read.flatMap((folders) => folders ?? []), globs);
}
