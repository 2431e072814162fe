/**
 * Zip arguments the shell did not expand: an engine runs the CLI without a shell (a Kubernetes args list,
 * an AWS Batch command), so `/exports/*.zip` arrives as written. A `*` or `?` in the file-name part is
 * expanded here against its folder; a pattern that matches nothing stays as given, and the scan then
 * reports the file as missing. URLs (s3://…) are left to their reader.
 */
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const WILDCARD = /[*?]/;

function patternOf(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

export function expandZipArgs(zips: readonly string[]): string[] {
  return zips.flatMap((arg) => {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(arg) || !WILDCARD.test(basename(arg)) || WILDCARD.test(dirname(arg))) return [arg];
    let names: string[];
    try {
      names = readdirSync(dirname(arg));
    } catch {
      return [arg];
    }
    const pattern = patternOf(basename(arg));
    const matches = names.filter((name) => pattern.test(name)).sort().map((name) => join(dirname(arg), name));
    return matches.length > 0 ? matches : [arg];
  });
}
