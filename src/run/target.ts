/**
 * How a target folder is stored in the ledger: its segments as JSON, so a '/' inside a folder name
 * never splits it and the key turns back into segments exactly.
 */
export function encodeTarget(segments: readonly string[]): string {
  return JSON.stringify(segments);
}

/**
 * The duplicate scope of a stored target within one mailbox. Exchange folder names are unique
 * case-insensitively within their parent, so case folds (after NFC) as Exchange does; the JSON keeps a
 * '/' inside a name apart from a level.
 */
export function targetScope(key: string): string {
  return key.normalize('NFC').toLowerCase();
}

export function decodeTarget(key: string): string[] {
  const parsed: unknown = JSON.parse(key);
  if (!Array.isArray(parsed) || !parsed.every((s) => typeof s === 'string')) throw new Error(`not a target folder key: ${key}`);
  return parsed as string[];
}

/** The target as an admin reads it, e.g. `inbox/Projects/Q3` (well-known names stay lower-case). */
export function displayTarget(key: string | null): string {
  return key === null ? '' : decodeTarget(key).join('/');
}
