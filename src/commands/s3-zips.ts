import { isS3Uri } from '../source/index.js';
import { UsageError } from './io.js';
import type { ScanSettings } from '../source/scan-settings.js';

/**
 * The S3 side of the command line, before anything else happens: sets the S3 options, lists every
 * `s3://bucket/prefix/*.zip` glob and HEADs every S3 zip, so that a missing object or bucket, a refused
 * read or a wrong region stops the run with exit 2 before anything is written to a mailbox. Returns the
 * settings with the globs expanded; local paths are left for the local checks.
 */
export async function resolveS3Zips<T extends Pick<ScanSettings, 'zips' | 's3'>>(scan: T): Promise<T> {
  if (!scan.zips.some(isS3Uri)) return scan;
  const { configureS3, expandAndCheckS3Zips, forgetS3Heads } = await import('../source/s3/index.js');
  configureS3(scan.s3);
  // What an earlier run in this process (the tests) learnt of the objects may be out of date.
  forgetS3Heads();
  const { zips, problems } = await expandAndCheckS3Zips(scan.zips);
  if (problems.length === 1) throw new UsageError(problems[0]!);
  if (problems.length > 1) throw new UsageError(`${problems.length} S3 zips cannot be read:\n  ${problems.join('\n  ')}`);
  return { ...scan, zips };
}
