/**
 * Where an export's zip is, as an s3:// URI. WorkMail's S3Path is "the path to the S3 bucket and file
 * that the mailbox export job exports to" (API reference), with no example: it may be the key alone or
 * `bucket/key`. The key always starts with the job's prefix, which tells the two apart: a path that starts
 * with the prefix is a key; one that starts with the bucket name and then the prefix has the bucket in
 * front. An `s3://` URI is taken as it is.
 */
export function exportObjectUri(bucket: string, prefix: string, s3Path: string): string {
  if (s3Path.startsWith('s3://')) return s3Path;
  const path = s3Path.replace(/^\/+/, '');
  const keyPrefix = prefix.replace(/^\/+/, '');
  // The bucket spelling first, with the prefix after it: a bare prefix test would take `exports-acme/exports/…`
  // (bucket exports-acme, prefix exports) for a key, since the bucket's name itself starts with the prefix.
  if (keyPrefix !== '' && path.startsWith(`${bucket}/${keyPrefix}`)) return `s3://${bucket}/${path.slice(bucket.length + 1)}`;
  if (keyPrefix !== '' && path.startsWith(keyPrefix)) return `s3://${bucket}/${path}`;
  if (path.startsWith(`${bucket}/`)) return `s3://${bucket}/${path.slice(bucket.length + 1)}`;
  return `s3://${bucket}/${path}`;
}

export interface S3Location {
  readonly bucket: string;
  readonly key: string;
}

/** Splits s3://bucket/key; null for anything else. */
export function parseS3Uri(uri: string): S3Location | null {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  return match ? { bucket: match[1]!, key: match[2]! } : null;
}
