/**
 * `s3://bucket/prefix/*.zip`: the objects a glob names, listed with ListObjectsV2 (1,000 keys a page,
 * every page). The rules are a shell's for local paths: `*` is any run of characters within one path
 * segment, `?` one character, `[abc]` one of a set; nothing matches across a '/'. An object whose key is
 * the glob as written is the one meant.
 */
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { parseS3Uri } from '../zip-location.js';
import { describeS3Error } from './s3-errors.js';
import { S3AccessError, s3Traffic } from './s3-object.js';
import { regionOfBucket, s3ClientFor } from './s3-settings.js';

const WILDCARD = /[*?[]/;

export function isS3Glob(uri: string): boolean {
  return WILDCARD.test(parseS3Uri(uri).key);
}

/** The key pattern as a RegExp, with a shell's rules (see above). */
export function keyPattern(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close === -1) source += '\\[';
      else {
        const body = glob.slice(i + 1, close);
        const negated = body.startsWith('!') || body.startsWith('^');
        source += `[${negated ? '^' : ''}${(negated ? body.slice(1) : body).replace(/[\\\]^]/g, '\\$&')}]`;
        i = close;
      }
    } else source += c.replace(/[.+^${}()|\\/\]]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/**
 * Every object the glob names, as s3:// URIs in key order, through every page (`pageSize` keys each, S3's
 * 1,000 by default); throws S3AccessError when the bucket cannot be listed. An empty list is the caller's
 * to report.
 */
export async function listS3Glob(glob: string, pageSize?: number): Promise<string[]> {
  const { bucket, key } = parseS3Uri(glob);
  const prefix = key.slice(0, key.search(WILDCARD));
  const pattern = keyPattern(key);
  const client = await s3ClientFor(bucket);
  const found: string[] = [];
  let named = false;
  let token: string | undefined;
  do {
    let page;
    try {
      s3Traffic.lists += 1;
      page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(pageSize === undefined ? {} : { MaxKeys: pageSize }), ...(token === undefined ? {} : { ContinuationToken: token }) }));
    } catch (error) {
      throw new S3AccessError(describeS3Error(error, glob, bucket, await regionOfBucket(bucket)), { cause: error });
    }
    // A store may URL-encode the keys (S3 does so when asked, '+' for a space); the answer then says so.
    const decode = page.EncodingType === 'url' ? (k: string): string => decodeURIComponent(k.replace(/\+/g, ' ')) : (k: string): string => k;
    for (const object of page.Contents ?? []) {
      const objectKey = object.Key === undefined ? undefined : decode(object.Key);
      // A key ending in '/' is a "folder" (the S3 console's Create folder writes one, zero bytes), never a
      // zip: `prefix/*` must not name it, as a shell's `*` names no directory's empty entry.
      if (objectKey === key && !key.endsWith('/')) named = true;
      if (objectKey !== undefined && !objectKey.endsWith('/') && pattern.test(objectKey)) found.push(`s3://${bucket}/${objectKey}`);
    }
    token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  // A key that holds '[', '*' or '?' itself is named by writing it as it is: an object of exactly that name
  // is the one meant, as a quoted local path names its file (a local path's '[' is no wildcard at all).
  return named ? [`s3://${bucket}/${key}`] : found;
}
