/**
 * Where a zip lives: a local path or an `s3://bucket/key` URI. The rest of the pipeline passes zip
 * locations around as strings (they name the zip in every report); this is the one place that tells the
 * two kinds apart.
 */
import { resolve } from 'node:path';

const S3_SCHEME = /^s3:\/\//i;

export function isS3Uri(location: string): boolean {
  return S3_SCHEME.test(location);
}

export interface S3Location {
  readonly bucket: string;
  readonly key: string;
}

/** The bucket and key of an `s3://bucket/key` URI; throws an Error saying what is wrong with it. */
export function parseS3Uri(uri: string): S3Location {
  const rest = uri.replace(S3_SCHEME, '');
  const slash = rest.indexOf('/');
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  const key = slash === -1 ? '' : rest.slice(slash + 1);
  if (bucket === '') throw new Error(`${uri}: no bucket name (write s3://bucket/key.zip)`);
  if (key === '') throw new Error(`${uri}: no object key after the bucket (write s3://bucket/key.zip)`);
  return { bucket, key };
}

/** The form a zip is known by in the ledger: an absolute local path, or the S3 URI as given. */
export function canonicalZipLocation(location: string): string {
  if (!isS3Uri(location)) return resolve(location);
  const { bucket, key } = parseS3Uri(location);
  return `s3://${bucket}/${key}`;
}
