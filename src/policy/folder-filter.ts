/**
 * --include-folder / --exclude-folder: which source folders are imported.
 *
 * A glob is matched segment by segment against the source folder path, case-insensitively: `*` is any run
 * of characters within a segment, `?` one character, `**` any number of whole segments (zero included).
 * A glob that matches a folder also selects everything below it, so `--exclude-folder "Deleted Items"`
 * leaves out its sub-folders too. Excludes win over includes; no include means every folder.
 * Written here rather than with path.matchesGlob: that is experimental on Node 20 and works on '/'-joined
 * strings, while a folder name may itself contain '/'.
 */

export type FolderPredicate = (sourceSegments: readonly string[]) => boolean;

function segmentPattern(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'iu');
}

type CompiledGlob = readonly (RegExp | '**')[];

function compile(glob: string): CompiledGlob {
  return glob
    .split('/')
    .filter((part) => part !== '')
    .map((part) => (part === '**' ? '**' : segmentPattern(part)));
}

/** True when the glob matches the path or one of its ancestors. */
function matchesPrefix(glob: CompiledGlob, segments: readonly string[]): boolean {
  // depth-first over (glob part, path segment); memoised so that several `**` stay linear-ish
  const seen = new Set<string>();
  const visit = (g: number, s: number): boolean => {
    const id = `${g},${s}`;
    if (seen.has(id)) return false;
    seen.add(id);
    if (g === glob.length) return true; // whatever is left of the path is below the matched folder
    const part = glob[g]!;
    if (part === '**') return visit(g + 1, s) || (s < segments.length && visit(g, s + 1));
    return s < segments.length && part.test(segments[s]!) && visit(g + 1, s + 1);
  };
  return glob.length > 0 && visit(0, 0);
}

export function folderFilter(includeGlobs: readonly string[], excludeGlobs: readonly string[]): FolderPredicate {
  const includes = includeGlobs.map(compile);
  const excludes = excludeGlobs.map(compile);
  return (segments) =>
    (includes.length === 0 || includes.some((g) => matchesPrefix(g, segments))) &&
    !excludes.some((g) => matchesPrefix(g, segments));
}

/**
 * The globs that select none of `folders` (each given by its segments): a typo such as 'Inbxo/**' would
 * otherwise filter everything out, or nothing, without a word.
 */
export function globsMatchingNoFolder(globs: readonly string[], folders: readonly (readonly string[])[]): string[] {
  return globs.filter((glob) => {
    const compiled = compile(glob);
    return !folders.some((segments) => matchesPrefix(compiled, segments));
  });
}
