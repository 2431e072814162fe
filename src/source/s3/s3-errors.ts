/**
 * What an S3 failure means for the user, in one sentence naming the URI. Built from the error's name,
 * status and region header only: an SDK message may quote a request, and nothing of a request (least of
 * all a credential) may reach the output.
 */
import { errorHeaders, s3Settings } from './s3-settings.js';

/** Failures that no retry or later run mends without the user: the run must stop before any write. */
export type S3Problem = 'access-denied' | 'no-such-bucket' | 'no-such-key' | 'wrong-region' | 'no-credentials' | 'kms-key' | 'archived' | 'refused' | 'other';

export interface S3Failure {
  readonly problem: S3Problem;
  readonly sentence: string;
}

/** S3's error codes for temporary credentials past their expiry. */
const EXPIRED_CREDENTIALS = new Set(['ExpiredToken', 'TokenRefreshRequired']);
/** S3's error codes for credentials it does not know or cannot verify. */
const REFUSED_CREDENTIALS = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'InvalidToken']);

/** The HTTP status of an SDK error, when it got an answer. */
export function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

function nameOf(error: unknown): string {
  return (error as { name?: string; Code?: string }).Code ?? (error as { name?: string }).name ?? '';
}

function credentialsSource(): string {
  const profile = s3Settings().profile;
  return profile === undefined ? 'the credentials from the AWS chain' : `the credentials of profile '${profile}'`;
}

/**
 * Classifies an error from a HEAD, GET or LIST of `uri` (bucket `bucket`, key `key` if any). `located` is
 * the bucket's region when it was found otherwise (GetBucketLocation), for an answer without the header.
 */
export function describeS3Error(error: unknown, uri: string, bucket: string, region: string, key?: string, located?: string): S3Failure {
  const name = nameOf(error);
  const status = statusOf(error);
  const realRegion = errorHeaders(error)['x-amz-bucket-region'] ?? located;
  if (name === 'CredentialsProviderError' || /credential/i.test(name) || /could not load credentials/i.test((error as Error).message ?? '')) {
    const profile = s3Settings().profile;
    const sentence =
      profile === undefined
        ? `${uri}: no AWS credentials found: give --s3-profile (or AWS_PROFILE), set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where an instance or container role applies`
        : `${uri}: no credentials for profile '${profile}' (--s3-profile): check that ~/.aws/config or ~/.aws/credentials has it, or for SSO run 'aws sso login --profile ${profile}'`;
    return { problem: 'no-credentials', sentence };
  }
  // Credentials that were found but refused: a temporary session that ran out (SSO, an assumed role: hours
  // into a long run) or keys that are wrong. Not a policy matter, as a plain 403 AccessDenied is.
  if (EXPIRED_CREDENTIALS.has(name)) {
    const profile = s3Settings().profile;
    const renew = profile === undefined ? "for SSO run 'aws sso login', for a role take it again" : `for SSO run 'aws sso login --profile ${profile}'`;
    return { problem: 'no-credentials', sentence: `${uri}: ${credentialsSource()} have expired (${name}): renew them (${renew}) and run the same command again` };
  }
  if (REFUSED_CREDENTIALS.has(name)) {
    return { problem: 'no-credentials', sentence: `${uri}: S3 refused ${credentialsSource()} (${name}): the access key is unknown or its secret does not match; check --s3-profile, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY` };
  }
  // A HEAD has no body to name the error: a 400 that carries another region's header is the same mistake.
  const elsewhere = status === 400 && realRegion !== undefined && realRegion !== region;
  if (status === 301 || elsewhere || name === 'PermanentRedirect' || name === 'AuthorizationHeaderMalformed' || name === 'IllegalLocationConstraintException') {
    const where = realRegion === undefined ? 'another region' : `region ${realRegion}`;
    const fix = realRegion === undefined ? 'give the right --s3-region' : `give --s3-region ${realRegion}`;
    return { problem: 'wrong-region', sentence: `${uri}: bucket '${bucket}' is in ${where}, not ${region}: ${fix}, or leave --s3-region out to find it from the bucket` };
  }
  // WorkMail writes its exports with SSE-KMS (the job's KmsKeyArn). HEAD needs no KMS call; a GET whose key
  // is disabled or pending deletion gets KMS's own code (400 KMS.DisabledException,
  // KMS.KMSInvalidStateException, KMS.NotFoundException…): the user's to mend, never a broken zip.
  if (name.startsWith('KMS.')) {
    return {
      problem: 'kms-key',
      sentence: `${uri}: the AWS KMS key that encrypts this object (SSE-KMS) cannot be used (${name}): enable the key or cancel its deletion (aws kms enable-key / cancel-key-deletion), then run the same command again`,
    };
  }
  // An object in an archive storage class (Glacier Flexible Retrieval, Deep Archive, Intelligent-Tiering's
  // archive tiers) answers HEAD but every GET with 403 InvalidObjectState until a copy is restored.
  if (name === 'InvalidObjectState') {
    return {
      problem: 'archived',
      sentence: `${uri}: the object is in an archive storage class (S3 Glacier or an Intelligent-Tiering archive tier) and must be restored before it can be read (aws s3api restore-object); run the same command again once the restore has finished`,
    };
  }
  if (status === 403 || name === 'AccessDenied' || name === 'Forbidden') {
    const what = key === undefined ? `list bucket '${bucket}' (s3:ListBucket)` : `read this object (s3:GetObject, and kms:Decrypt when the bucket uses SSE-KMS)`;
    return { problem: 'access-denied', sentence: `${uri}: access denied: ${credentialsSource()} may not ${what}; allow it in the IAM or bucket policy, or use another --s3-profile` };
  }
  if (name === 'NoSuchBucket') {
    const hint = s3Settings().endpoint === undefined ? 'check the bucket name' : `check the bucket name and --s3-endpoint ${s3Settings().endpoint}`;
    return { problem: 'no-such-bucket', sentence: `${uri}: there is no bucket '${bucket}': ${hint}` };
  }
  if (name === 'NoSuchKey' || name === 'NotFound' || status === 404) {
    return {
      problem: 'no-such-key',
      sentence: `${uri}: bucket '${bucket}' has no object '${key ?? ''}': check the key (a glob such as s3://${bucket}/prefix/*.zip shows what is there)`,
    };
  }
  const code = name || (status === undefined ? 'network error' : `HTTP ${status}`);
  // Any other 4xx is S3 refusing the request as asked (not retried by the SDK, not mended by asking again
  // in this run): it says nothing about the zip, which must stay unread for the next run rather than be
  // recorded as broken. 408 and 429 are throttling and timeouts, retried like a 5xx.
  if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429) {
    return { problem: 'refused', sentence: `${uri}: S3 refused the request (${code}); run the same command again once that is mended` };
  }
  return { problem: 'other', sentence: `${uri}: S3 request failed (${code}) after retries` };
}
