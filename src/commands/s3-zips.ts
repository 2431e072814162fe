import { isS3Uri } from '../source/index.js';
import { UsageError } from './io.js';
import type { SourceOptions } from './options.js';

/**
 * The S3 side of the command line, before anything else happens: sets the S3 options, lists every
 * `s3://bucket/prefix/*.zip` glob and HEADs every S3 zip, so that a missing object or bucket, a refused
 * read or a wrong region stops the run with exit 2 before anything is written to a mailbox. Returns the
 * options with the globs expanded; local paths are left for the local checks.
 */
export async function resolveS3Zips<T extends SourceOptions>(options: T): Promise<T> {
  if (!options.zips.some(isS3Uri)) return options;
  const { configureS3, expandAndCheckS3Zips, forgetS3Heads } = await import('../source/s3/index.js');
  configureS3({ profile: options.s3Profile, region: options.s3Region, endpoint: options.s3Endpoint });
  // What an earlier run in this process (the tests) learnt of the objects may be out of date.
  forgetS3Heads();
  const { zips, problems } = await expandAndCheckS3Zips(options.zips);
  if (problems.length === 1) throw new UsageError(problems[0]!);
  if (problems.length > 1) throw new UsageError(`${problems.length} S3 zips cannot be read:\n  ${problems.join('\n  ')}`);
  return { ...options, zips };
}
