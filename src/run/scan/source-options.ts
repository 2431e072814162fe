import { folderFilter } from '../../policy/folder-filter.js';
import type { PolicySettings } from '../../policy/policy-settings.js';
import type { ScanSettings } from '../../source/scan-settings.js';
import type { ScanOptions } from './scan.js';

/** The scan's options from the command line: the same for the dry run, the import and reconcile. */
export function scanOptionsFrom(scan: Pick<ScanSettings, 'verify'>, policy: PolicySettings): ScanOptions {
  return {
    verify: scan.verify,
    spam: { keepJunk: policy.keepJunk, userRules: policy.spamHeaders },
    into: policy.into,
    archiveBefore: policy.archiveBefore,
    folderWanted: folderFilter(policy.includeFolders, policy.excludeFolders),
    folderGlobs: { include: policy.includeFolders, exclude: policy.excludeFolders },
  };
}
