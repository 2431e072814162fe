import { globsMatchingNoFolder } from '../../policy/folder-filter.js';
import { editDistance } from '../../policy/edit-distance.js';
import type { Ledger } from '../../ledger/ledger.js';

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
  const segments = folders.map((f) => f.split('/').filter((s) => s !== ''));
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
