/**
 * How S3 is reached: the options the command line gives (profile, region, endpoint) and one client per
 * bucket's region. Credentials always come from the SDK's standard chain (environment, shared profile
 * incl. SSO, web identity, instance or container role); they are never read, held or printed here.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { GetBucketLocationCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { quietSdkNodeVersionWarning } from '../aws-sdk-warning.js';

export interface S3Settings {
  /** A profile in the shared AWS config/credentials files (--s3-profile); else the chain's default. */
  readonly profile?: string;
  /** The bucket's region (--s3-region); found from the bucket when not given. */
  readonly region?: string;
  /** An S3-compatible endpoint (--s3-endpoint URL), addressed path-style. */
  readonly endpoint?: string;
}

/**
 * Attempts per request by the SDK's standard retry strategy (500, 503 SlowDown, throttling, connection
 * errors before a response), with its exponential backoff and jitter.
 */
export const S3_MAX_ATTEMPTS = 6;
/** Sockets per client: the read-ahead keeps a few GETs in flight per zip, and a few zips are read at once. */
const MAX_SOCKETS = 32;
/** A connection silent this long (no answer yet, or a body that stopped coming) has stalled: the attempt fails and is retried. */
const IDLE_TIMEOUT_MS = 60_000;
const CONNECT_TIMEOUT_MS = 10_000;
/** The region asked when discovering a bucket's: S3 answers any bucket's region from there. */
const DISCOVERY_REGION = 'us-east-1';

let settings: S3Settings = {};
const clients = new Map<string, S3Client>();
const bucketRegions = new Map<string, Promise<string>>();

/** Sets the options for every S3 read that follows (the CLI calls this once, before any zip is opened). */
export function configureS3(next: S3Settings): void {
  for (const client of clients.values()) client.destroy();
  clients.clear();
  bucketRegions.clear();
  settings = { ...next };
}

export function s3Settings(): S3Settings {
  return settings;
}

function clientFor(region: string): S3Client {
  let client = clients.get(region);
  if (client === undefined) {
    quietSdkNodeVersionWarning();
    const agentOptions = { keepAlive: true, maxSockets: MAX_SOCKETS };
    client = new S3Client({
      region,
      ...(settings.profile === undefined ? {} : { profile: settings.profile }),
      ...(settings.endpoint === undefined ? {} : { endpoint: settings.endpoint, forcePathStyle: true }),
      maxAttempts: S3_MAX_ATTEMPTS,
      retryMode: 'standard',
      // Ranged GETs carry no whole-object checksum to check, and every entry's CRC-32 is checked anyway:
      // no checksum mode asked for, no stream wrapper per response.
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestChecksumCalculation: 'WHEN_REQUIRED',
      requestHandler: {
        httpAgent: new HttpAgent(agentOptions),
        httpsAgent: new HttpsAgent(agentOptions),
        // Inactivity, before the answer and while its body comes. requestTimeout, set here before, only
        // logs a warning in @smithy/node-http-handler 4 (unless throwOnRequestTimeout) and does not time a
        // body that stalls after its headers: a probe's stalled store hung a run for good, and a SIGTERM
        // could not end it.
        socketTimeout: IDLE_TIMEOUT_MS,
        connectionTimeout: CONNECT_TIMEOUT_MS,
      },
    });
    clients.set(region, client);
  }
  return client;
}

/** The response headers an SDK error carries, lower-cased names. */
export function errorHeaders(error: unknown): Record<string, string> {
  const headers = (error as { $response?: { headers?: Record<string, string> } }).$response?.headers ?? {};
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

/**
 * The bucket's region: --s3-region when given, else what S3 says. HeadBucket answers with
 * x-amz-bucket-region on success and on the errors a caller in the wrong region gets (301, or 400 from
 * some regions; the SDK's own region redirect reads the same header from the error's response). When no
 * header comes (a proxy or an S3-compatible store that does not send it), GetBucketLocation is asked.
 * A store that says nothing either is taken to be in AWS_REGION, else us-east-1.
 */
export function regionOfBucket(bucket: string): Promise<string> {
  if (settings.region !== undefined) return Promise.resolve(settings.region);
  let region = bucketRegions.get(bucket);
  if (region === undefined) {
    region = discoverRegion(bucket);
    bucketRegions.set(bucket, region);
  }
  return region;
}

/**
 * The region a GetBucketLocation LocationConstraint names: S3 gives none (an empty element, or null) for
 * us-east-1, and the legacy `EU` for eu-west-1 (the API reference's words for both).
 */
export function regionOfLocationConstraint(constraint: string | null | undefined): string {
  if (constraint === undefined || constraint === null || constraint === '' || constraint === 'null') return 'us-east-1';
  if (constraint === 'EU') return 'eu-west-1';
  return constraint;
}

/** The region of the environment (AWS_REGION, AWS_DEFAULT_REGION), else us-east-1. */
function environmentRegion(): string {
  return process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'] ?? DISCOVERY_REGION;
}

/** Where a bucket's region is asked: us-east-1 on AWS (it answers for any bucket), the environment's at another endpoint. */
function discoveryRegion(): string {
  return settings.endpoint === undefined ? DISCOVERY_REGION : environmentRegion();
}

async function discoverRegion(bucket: string): Promise<string> {
  const client = clientFor(discoveryRegion());
  try {
    const head = await client.send(new HeadBucketCommand({ Bucket: bucket }));
    if (head.BucketRegion) return head.BucketRegion;
  } catch (error) {
    const said = errorHeaders(error)['x-amz-bucket-region'];
    if (said) return said;
  }
  // Nothing said: the object's own HEAD will explain what is wrong (no bucket, no credentials…).
  return (await locateBucket(bucket)) ?? environmentRegion();
}

/** GetBucketLocation's answer as a region, or undefined when it cannot be asked (no bucket, no permission). */
export async function locateBucket(bucket: string): Promise<string | undefined> {
  try {
    const location = await clientFor(discoveryRegion()).send(new GetBucketLocationCommand({ Bucket: bucket }));
    return regionOfLocationConstraint(location.LocationConstraint);
  } catch {
    return undefined;
  }
}

/** The client for the bucket's region. */
export async function s3ClientFor(bucket: string): Promise<S3Client> {
  return clientFor(await regionOfBucket(bucket));
}
