import { folderFilter } from '../../policy/folder-filter.js';
import type { SourceOptions } from '../run-options.js';
import type { ScanOptions } from './scan.js';

/** The scan's options from the command line: the same for the dry run, the import and reconcile. */
export function scanOptionsFrom(options: SourceOptions): ScanOptions {
  return {
    verify: !options.headersOnly,
    spam: { keepJunk: options.keepJunk, userRules: options.spamHeaders },
    into: options.into,
    archiveBefore: options.archiveBefore,
    folderWanted: folderFilter(options.includeFolders, options.excludeFolders),
    folderGlobs: { include: options.includeFolders, exclude: options.excludeFolders },
  };
}

/**
 * What decides where a message goes. Stored in the ledger: a resumed import with other mapping options
 * would file the same message under two folders, so the run refuses instead.
 */
export function mappingFingerprint(options: SourceOptions): string {
  return JSON.stringify({
    keepJunk: options.keepJunk,
    spamHeaders: options.spamHeaders.map((r) => r.label),
    into: options.into ?? null,
    archiveBefore: options.archiveBefore?.toISOString() ?? null,
    includeFolders: options.includeFolders,
    excludeFolders: options.excludeFolders,
  });
}
