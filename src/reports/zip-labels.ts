/**
 * How reports name zips: by file name, as the admin knows them, unless two zips of the run share one
 * (`ann/export.zip`, `bob/export.zip`); those get as many trailing path segments as it takes to tell
 * them apart. Reports group folders and messages by this label, so it must be unique. Pure.
 */
export function zipLabels(paths: readonly string[]): Map<string, string> {
  const segmentsOf = (path: string): string[] => path.split(/[\\/]+/).filter((s) => s !== '');
  const byName = new Map<string, string[]>();
  for (const path of new Set(paths)) {
    const name = segmentsOf(path).at(-1) ?? path;
    byName.set(name, [...(byName.get(name) ?? []), path]);
  }
  const labels = new Map<string, string>();
  for (const [name, group] of byName) {
    if (group.length === 1) {
      labels.set(group[0]!, name);
      continue;
    }
    const segments = group.map(segmentsOf);
    for (const [i, path] of group.entries()) {
      const own = segments[i]!;
      let depth = 1;
      const suffix = (s: readonly string[]): string => s.slice(-depth).join('/');
      const unique = (): boolean => segments.every((other, j) => j === i || suffix(other) !== suffix(own));
      while (depth < own.length && !unique()) depth += 1;
      // Paths that differ only in a leading '/' (or separators) keep the path as given.
      labels.set(path, unique() ? suffix(own) : path);
    }
  }
  return labels;
}
