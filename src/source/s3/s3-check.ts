/**
 * Before anything is written to a mailbox: every S3 zip named on the command line exists and can be read
 * (HEAD), and every glob is listed. Each problem is one sentence naming the URI.
 */
import { canonicalZipLocation, isS3Uri } from '../zip-location.js';
import { regionOfBucket } from './s3-settings.js';
import { listS3Glob, isS3Glob } from './s3-list.js';
import { explainS3Error, headBucket, headS3Object } from './s3-object.js';

/** HEADs at once while checking: enough to hide the round trips, few enough not to be throttled. */
const CHECK_CONCURRENCY = 16;

/** Why the S3 zip at `uri` cannot be read, or undefined when it can (HEAD answered 200). */
export async function checkS3Zip(uri: string): Promise<string | undefined> {
  try {
    await headS3Object(uri);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * Why nothing can be read from `bucket` (it does not exist, or it is in another region than
 * --s3-region), or undefined. For zips that do not exist yet (exports still being written) this is the
 * check that can be made before any write. Access denied is not an answer here: HeadBucket needs
 * s3:ListBucket, which a reader of known keys may rightly lack.
 */
export async function checkS3Bucket(bucket: string): Promise<string | undefined> {
  const uri = `s3://${bucket}/`;
  const region = await regionOfBucket(bucket);
  const error = await headBucket(bucket);
  if (error === undefined) return undefined;
  const failure = await explainS3Error(error, uri, bucket, region);
  return failure.problem === 'no-such-bucket' || failure.problem === 'wrong-region' || failure.problem === 'no-credentials' ? failure.sentence : undefined;
}

export interface ExpandedZips {
  /** The zips in the order given, every S3 glob replaced by the objects it names; local paths as given. */
  readonly zips: string[];
  /** One sentence per S3 URI or glob that cannot be read or listed, or that names nothing. */
  readonly problems: string[];
}

/** Expands the S3 globs among `locations` and checks every S3 zip; local paths are passed through untouched. */
export async function expandAndCheckS3Zips(locations: readonly string[]): Promise<ExpandedZips> {
  const problems: string[] = [];
  const zips: string[] = [];
  for (const location of locations) {
    if (!isS3Uri(location)) {
      zips.push(location);
      continue;
    }
    try {
      if (!isS3Glob(location)) {
        zips.push(canonicalZipLocation(location));
        continue;
      }
      const found = await listS3Glob(location);
      if (found.length === 0) problems.push(`${location}: no object matches (globs follow the shell's rules: * stays within one '/' segment)`);
      zips.push(...found);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  const remote = [...new Set(zips.filter(isS3Uri))];
  for (let i = 0; i < remote.length; i += CHECK_CONCURRENCY) {
    const results = await Promise.all(remote.slice(i, i + CHECK_CONCURRENCY).map(checkS3Zip));
    for (const problem of results) if (problem !== undefined) problems.push(problem);
  }
  return { zips, problems };
}
