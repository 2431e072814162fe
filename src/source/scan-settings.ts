import type { S3Settings } from './s3/s3-settings.js';

/** Which exports to read and how: the command line's zips, how to reach the S3 ones, how closely to read. */
export interface ScanSettings {
  /** Local paths (globs a shell did not expand are fine), s3://bucket/key.zip, s3://bucket/prefix/*.zip. */
  readonly zips: readonly string[];
  /** For s3:// zips: a shared-config profile, the buckets' region, an S3-compatible endpoint. */
  readonly s3: S3Settings;
  /** Inflate every entry to the end and check CRC and sizes; false with --headers-only. */
  readonly verify: boolean;
}
