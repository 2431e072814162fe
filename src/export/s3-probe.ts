import { s3ObjectExists } from '../source/s3/index.js';

/** Whether an export's zip is in S3 yet. */
export interface ObjectProbe {
  /** True when the object exists, false when S3 says it does not; anything else (access, network) throws. */
  exists(uri: string): Promise<boolean>;
}

/**
 * HeadObject through the S3 source (configureS3 first): the same credentials, profile, endpoint and
 * region discovery as the reads of the zips that follow, and the same one-sentence failures.
 */
export function s3ObjectProbe(): ObjectProbe {
  return { exists: s3ObjectExists };
}
