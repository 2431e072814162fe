/**
 * One S3 object as a zip is read from it: its size and ETag (its identity: a replaced object has another
 * ETag), and ranged GETs that come back whole or not at all.
 */
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetObjectCommand, HeadBucketCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { parseS3Uri } from '../zip-location.js';
import { SourceTransientError, SourceUnavailableError } from '../source-unavailable.js';
import type { S3Failure, S3Problem } from './s3-errors.js';
import { describeS3Error, statusOf } from './s3-errors.js';
import { errorHeaders, locateBucket, regionOfBucket, s3ClientFor } from './s3-settings.js';

export interface S3Object {
  readonly uri: string;
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  /** As S3 gives it, quotes included; sent back as If-Match so that a replaced object is never mixed in. */
  readonly etag: string;
}

/**
 * An S3 failure with its meaning (see describeS3Error); `message` is the sentence for the user. One that
 * no retry mends (access, credentials, region, a missing object): the bytes could not be had, and the zip
 * is read again by the next run rather than recorded as unreadable. (A server error that outlasted every
 * retry is not one of these: its entries are reported unreadable, the run goes on, and the next run reads
 * them again: SourceTransientError.)
 */
export class S3AccessError extends SourceUnavailableError {
  readonly problem: S3Problem;
  constructor(failure: S3Failure, options?: ErrorOptions) {
    super(failure.sentence, options);
    this.name = 'S3AccessError';
    this.problem = failure.problem;
  }
}

/** Requests made and bytes asked for, for the benchmark and the tests' expectations. */
export const s3Traffic = { heads: 0, gets: 0, lists: 0, bytesRequested: 0, retriedReads: 0 };

/**
 * Attempts per ranged read for what the SDK does not retry: it retries a request that failed before its
 * response (500, 503 SlowDown, resets), but not a body that broke off or came back shorter than the range.
 */
const READ_ATTEMPTS = 4;
const READ_BACKOFF_BASE_MS = 100;
const READ_BACKOFF_MAX_MS = 5_000;

const heads = new Map<string, Promise<S3Object>>();
/** Objects (URIs) whose store answered If-Match with its own ETag by 412: read without it, each answer's ETag checked. */
const ifMatchRefused = new Set<string>();

/** Size and ETag of the object (HEAD, once per URI and process); throws S3AccessError. */
export function headS3Object(uri: string): Promise<S3Object> {
  let head = heads.get(uri);
  if (head === undefined) {
    head = headOnce(uri);
    heads.set(uri, head);
    // A failed HEAD is asked again next time: the user may have fixed the policy meanwhile.
    head.catch(() => heads.delete(uri));
  }
  return head;
}

/**
 * Whether the object is there yet (an export still being written is not): false when S3 says there is no
 * such key; any other failure (no bucket, access, wrong region) throws S3AccessError with its sentence.
 */
export async function s3ObjectExists(uri: string): Promise<boolean> {
  try {
    await headS3Object(uri);
    return true;
  } catch (error) {
    if (error instanceof S3AccessError && error.problem === 'no-such-key') return false;
    throw error;
  }
}

/**
 * describeS3Error, and for a wrong region that S3's answer does not name (no x-amz-bucket-region, as
 * through a proxy that drops it), the region GetBucketLocation gives, so that the sentence can name it.
 */
export async function explainS3Error(error: unknown, uri: string, bucket: string, region: string, key?: string): Promise<S3Failure> {
  const failure = describeS3Error(error, uri, bucket, region, key);
  if (failure.problem !== 'wrong-region' || errorHeaders(error)['x-amz-bucket-region'] !== undefined) return failure;
  const located = await locateBucket(bucket);
  return located !== undefined && located !== region ? describeS3Error(error, uri, bucket, region, key, located) : failure;
}

/** Forgets what HEAD said about every object (a new run in the same process, the tests). */
export function forgetS3Heads(): void {
  heads.clear();
  ifMatchRefused.clear();
}

async function headOnce(uri: string): Promise<S3Object> {
  const { bucket, key } = parseS3Uri(uri);
  const region = await regionOfBucket(bucket);
  const client = await s3ClientFor(bucket);
  let head;
  try {
    s3Traffic.heads += 1;
    head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  } catch (error) {
    let failure = await explainS3Error(error, uri, bucket, region, key);
    if (failure.problem === 'no-such-key') {
      // A HEAD's 404 has no body to say whether the bucket or the key is missing: ask about the bucket.
      const bucketError = await headBucket(bucket);
      if (bucketError instanceof NoSuchBucket) failure = describeS3Error(bucketError, uri, bucket, region, key);
    }
    throw new S3AccessError(failure, { cause: error });
  }
  if (head.ContentLength === undefined) {
    // A size of 0 would read as "not a zip": say what is wrong instead.
    throw new Error(`${uri}: the S3 server's answer to HEAD has no Content-Length, so the object's size is unknown: the endpoint or a proxy before it drops the header`);
  }
  if (isArchived(head)) {
    // Every GET would be refused (403 InvalidObjectState): say so now, before anything is written.
    throw new S3AccessError(describeS3Error({ name: 'InvalidObjectState' }, uri, bucket, region, key));
  }
  return { uri, bucket, key, size: head.ContentLength, etag: head.ETag ?? '' };
}

/**
 * Whether GETs of the object are refused until it is restored (GetObject API reference): S3 Glacier Flexible
 * Retrieval and Deep Archive without a finished restore (x-amz-restore: ongoing-request="false"), and
 * Intelligent-Tiering's Archive and Deep Archive Access tiers (x-amz-archive-status). Glacier Instant
 * Retrieval reads like any other class.
 */
function isArchived(head: { StorageClass?: string; ArchiveStatus?: string; Restore?: string }): boolean {
  if (head.ArchiveStatus !== undefined) return true;
  if (head.StorageClass !== 'GLACIER' && head.StorageClass !== 'DEEP_ARCHIVE') return false;
  return !/ongoing-request="false"/.test(head.Restore ?? '');
}

/** What a HeadBucket 404 means, named as S3 names it in the answers that have a body. */
class NoSuchBucket extends Error {
  override readonly name = 'NoSuchBucket';
}

/**
 * HeadBucket: undefined when the bucket answers, else the error, a 404 as NoSuchBucket (a HEAD answer has
 * no body to say so). For an object HEAD's 404, and for buckets whose objects do not exist yet.
 */
export async function headBucket(bucket: string): Promise<unknown> {
  try {
    s3Traffic.heads += 1;
    await (await s3ClientFor(bucket)).send(new HeadBucketCommand({ Bucket: bucket }));
    return undefined;
  } catch (error) {
    return statusOf(error) === 404 ? new NoSuchBucket('NoSuchBucket', { cause: error }) : error;
  }
}

function backoff(attempt: number): number {
  const cap = Math.min(READ_BACKOFF_MAX_MS, READ_BACKOFF_BASE_MS * 2 ** attempt);
  return cap / 2 + Math.random() * (cap / 2);
}

/**
 * A response body copied into `into` as it comes; returns how many bytes came (more than `wanted` when
 * the body is longer: it stops being read there). Each chunk dies as soon as it is copied, young. Kept
 * until their block was read (as the SDK's transformToByteArray keeps them, then copies them into one
 * zero-filled array), every chunk of a scan lived long enough to be promoted, and V8 ran a full
 * collection for every few tens of MB of them: 34 on a 784 MB scan, against 3 for the local file.
 */
async function collectBody(body: unknown, wanted: number, into: Buffer): Promise<number> {
  if (body === undefined || body === null) return 0;
  if (!(body instanceof Readable)) {
    // Not Node's stream (another runtime): the SDK's own way.
    const bytes = await (body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray();
    into.set(bytes.subarray(0, wanted));
    return bytes.byteLength;
  }
  let received = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    if (received < wanted) chunk.copy(into, received, 0, Math.min(chunk.length, wanted - received));
    received += chunk.length;
    if (received > wanted) {
      body.destroy();
      break;
    }
  }
  return received;
}

/** An ETag without its quotes or weak marker, for comparing the forms stores send (quoted, bare). */
function bareEtag(etag: string): string {
  return etag.replace(/^W\//, '').replace(/"/g, '');
}

const REPLACED = 'the object was replaced while it was being read (its ETag changed); run again to read the new one';

/**
 * The end (exclusive) of the bytes the answer to a GET of bytes `at` to `end` holds, from `at`: checked
 * against its status, Content-Range and ETag, as RFC 9110 asks of a client (a store or a proxy may ignore
 * the Range, send less than asked, or send other bytes). Throws a sentence when the answer cannot be used.
 */
function servedEnd(object: S3Object, response: { ETag?: string; ContentRange?: string; $metadata: { httpStatusCode?: number } }, at: number, end: number): number {
  if (response.ETag !== undefined && object.etag !== '' && bareEtag(response.ETag) !== bareEtag(object.etag)) throw new Error(REPLACED);
  const contentRange = response.ContentRange;
  if (response.$metadata.httpStatusCode === 200 || contentRange === undefined) {
    // The whole object: from its start, as good as the range asked for; from anywhere else unusable.
    if (at === 0) return end;
    throw new Error(`the S3 server ignored the Range header and sent the whole object (HTTP 200 for bytes ${at}-${end - 1}): eml-import reads zips in place with ranged GETs; use an endpoint or proxy that honours Range`);
  }
  const served = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(contentRange.trim());
  if (served === null) throw new Error(`the S3 server sent an unreadable Content-Range '${contentRange}' for bytes ${at}-${end - 1}`);
  const [first, last] = [Number(served[1]), Number(served[2])];
  if (served[3] !== '*' && Number(served[3]) !== object.size) throw new Error(REPLACED);
  if (first !== at || last < first) {
    throw new Error(`the S3 server sent bytes ${first}-${last} (its Content-Range) when asked for bytes ${at}-${end - 1}: the endpoint or a proxy before it does not honour ranged GETs`);
  }
  // Fewer bytes than asked (a store that caps its ranges) are fine: the rest is asked for next.
  return Math.min(end, last + 1);
}

/**
 * Bytes `start` to `end` (exclusive) of the object, exactly. A body that breaks off or comes back short
 * is read again, with backoff; S3's own errors are retried by the SDK first. An answer with fewer bytes
 * than asked but a Content-Range that says so is kept, and the rest asked for. Throws an Error naming the
 * range when all attempts fail, or S3AccessError when the answer is one no retry changes; the caller
 * names the zip and the entry. The bytes are written into `into` (at least `end - start` long, a new
 * buffer when not given), which is returned cut to the range once every byte of it came.
 */
export async function readS3Range(object: S3Object, start: number, end: number, into: Buffer = Buffer.allocUnsafeSlow(end - start)): Promise<Buffer> {
  const client = await s3ClientFor(object.bucket);
  const wanted = end - start;
  let lastProblem = '';
  /** Bytes before `at` are in `into`. */
  let at = start;
  let failures = 0;
  while (at < end) {
    if (failures >= READ_ATTEMPTS) throw new SourceTransientError(`bytes ${start}-${end - 1} could not be read after ${READ_ATTEMPTS} attempts: ${lastProblem}`);
    if (failures > 0) {
      s3Traffic.retriedReads += 1;
      await sleep(backoff(failures));
    }
    const ifMatch = object.etag && !ifMatchRefused.has(object.uri) ? { IfMatch: object.etag } : {};
    let response;
    try {
      s3Traffic.gets += 1;
      s3Traffic.bytesRequested += end - at;
      response = await client.send(new GetObjectCommand({ Bucket: object.bucket, Key: object.key, Range: `bytes=${at}-${end - 1}`, ...ifMatch }));
    } catch (error) {
      if (statusOf(error) === 412) {
        // Replaced, or a store that compares If-Match otherwise than it writes its ETags: HEAD tells which.
        const now = await freshEtag(object).catch(() => undefined);
        if (now === undefined || bareEtag(now) !== bareEtag(object.etag) || ifMatchRefused.has(object.uri)) throw new Error(REPLACED, { cause: error });
        ifMatchRefused.add(object.uri);
        continue;
      }
      // The reader names the zip (and the entry) itself: the sentence here goes without the URI.
      const failure = describeS3Error(error, object.uri, object.bucket, await regionOfBucket(object.bucket), object.key);
      const sentence = failure.sentence.slice(object.uri.length + 2);
      if (failure.problem !== 'other') throw new S3AccessError({ ...failure, sentence }, { cause: error });
      // The SDK has retried it already, with its backoff: more attempts here would only multiply the wait.
      throw new SourceTransientError(`${sentence}, reading bytes ${at}-${end - 1}`, { cause: error });
    }
    let upTo: number;
    try {
      upTo = servedEnd(object, response, at, end);
    } catch (error) {
      (response.Body as { destroy?: () => void } | undefined)?.destroy?.();
      throw error;
    }
    let length: number;
    try {
      length = await collectBody(response.Body, upTo - at, into.subarray(at - start));
    } catch (error) {
      lastProblem = `the response broke off (${(error as { code?: string }).code ?? (error as Error).message})`;
      failures += 1;
      continue;
    }
    // More than asked comes only where the start was checked above: the bytes up to upTo are right.
    if (length >= upTo - at) {
      at = upTo;
      continue;
    }
    lastProblem = `asked for ${upTo - at} bytes, got ${length}`;
    failures += 1;
  }
  return into.subarray(0, wanted);
}

/** The object's ETag now (a HEAD past the cache), to tell a replaced object from a store that refuses If-Match. */
async function freshEtag(object: S3Object): Promise<string | undefined> {
  const client = await s3ClientFor(object.bucket);
  s3Traffic.heads += 1;
  return (await client.send(new HeadObjectCommand({ Bucket: object.bucket, Key: object.key }))).ETag;
}
