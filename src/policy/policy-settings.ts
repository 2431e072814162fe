/**
 * What decides where a message goes and which messages go at all: the command line's folder, spam and
 * filter choices as plain values. The import, the dry run and reconcile read them the same way.
 */
import type { HeaderRule } from './types.js';

export interface PolicySettings {
  /** Import Junk folders (into Junk Email) instead of dropping them as spam (--keep-junk). */
  readonly keepJunk: boolean;
  /** Further spam rules (--spam-header). */
  readonly spamHeaders: readonly HeaderRule[];
  /** One top-level folder everything goes under, keeping the source paths (--into). */
  readonly into?: string;
  /** Mail dated before this day goes to Archive, keeping its sub-path (--archive-before). */
  readonly archiveBefore?: Date;
  /** Source-folder globs (--include-folder, --exclude-folder); no include means every folder. */
  readonly includeFolders: readonly string[];
  readonly excludeFolders: readonly string[];
}

/**
 * The settings as one string, stored in the ledger: a resumed import with other settings would file the
 * same message under two folders, so the run refuses instead.
 */
export function mappingFingerprint(policy: PolicySettings): string {
  return JSON.stringify({
    keepJunk: policy.keepJunk,
    spamHeaders: policy.spamHeaders.map((r) => r.label),
    into: policy.into ?? null,
    archiveBefore: policy.archiveBefore?.toISOString() ?? null,
    includeFolders: policy.includeFolders,
    excludeFolders: policy.excludeFolders,
  });
}
