/**
 * A real S3-protocol server for the tests and the benchmark: s3rver on loopback (port 0, objects in a
 * temporary folder), behind a small HTTP proxy that counts requests and bytes and injects the faults S3
 * has (503 SlowDown, 500, resets mid-body, short bodies, AccessDenied, a bucket in another region) and,
 * optionally, latency. Nothing of the AWS SDK is mocked: eml-import talks HTTP to the proxy.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateBucketCommand, ListObjectsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

/** s3rver checks signatures against its default key pair. */
export const S3_TEST_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };

export type Fault = 'slow-down' | 'internal-error' | 'reset' | 'short' | 'access-denied' | 'expired-token' | 'kms-disabled' | 'kms-invalid-state' | 'invalid-object-state';

/** The faults S3 answers with an error document, each as S3 words it. */
type ErrorFault = Exclude<Fault, 'reset' | 'short'>;
const ERROR_FAULTS: Readonly<Record<ErrorFault, { readonly status: number; readonly code: string; readonly message: string }>> = {
  'slow-down': { status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' },
  'internal-error': { status: 500, code: 'InternalError', message: 'We encountered an internal error. Please try again.' },
  'access-denied': { status: 403, code: 'AccessDenied', message: 'Access Denied' },
  // What S3 answers a request signed with a temporary session past its expiry.
  'expired-token': { status: 400, code: 'ExpiredToken', message: 'The provided token has expired.' },
  // SSE-KMS object whose key was disabled: S3 answers GET with KMS's error code, 400 (S3 error responses
  // list; what AWS Glue and DynamoDB export document as AmazonS3Exception codes).
  'kms-disabled': { status: 400, code: 'KMS.DisabledException', message: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd is disabled.' },
  // The key is pending deletion.
  'kms-invalid-state': { status: 400, code: 'KMS.KMSInvalidStateException', message: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd is pending deletion.' },
  // GetObject of an object in S3 Glacier Flexible Retrieval / Deep Archive or an Intelligent-Tiering archive
  // tier that was not restored (GetObject API reference): 403 InvalidObjectState; HEAD answers 200.
  'invalid-object-state': { status: 403, code: 'InvalidObjectState', message: "The operation is not valid for the object's storage class" },
};

export interface FaultRule {
  /** Which requests: by method, and a test on the path (bucket/key) and the Range header. */
  readonly method?: string;
  readonly pathIncludes?: string;
  /** Only ranged GETs starting at this offset. */
  readonly rangeFrom?: number;
  readonly fault: Fault;
  /** How many matching requests get the fault; Infinity for all. */
  times: number;
}

export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly range?: string;
  readonly status: number;
}

export class S3TestServer {
  readonly requests: SeenRequest[] = [];
  /** Response body bytes forwarded for GETs. */
  bytesServed = 0;
  faults: FaultRule[] = [];
  /** Added before each request is forwarded: a real S3 round trip is tens of ms. */
  latencyMs = 0;
  /** Buckets that live in a region: a request signed for another gets S3's 301 PermanentRedirect. */
  readonly bucketRegions = new Map<string, string>();
  /**
   * What a request signed for the wrong region gets: S3's 301, or the 400 that HeadBucket gets from some
   * regions (aws-sdk-js-v3 issue 7304), both with x-amz-bucket-region.
   */
  wrongRegionStatus: 301 | 400 = 301;
  /** Leave x-amz-bucket-region out of every answer, as a proxy or an S3-compatible store may. */
  regionHeaderHidden = false;
  /**
   * How S3-compatible stores and proxies differ from S3 (found by a probe against a store of its own): a
   * Range header ignored (200 and the whole object), ranges cut to at most this many bytes (206 with the
   * Content-Range of what was sent), every If-Match refused with 412 (a store that compares ETags in
   * another form than it writes them), listing keys URL-encoded (EncodingType url), and HEAD answered
   * without Content-Length.
   */
  readonly quirks: { rangeIgnored?: boolean; rangesCappedAt?: number; ifMatchRefused?: boolean; listedKeysEncoded?: boolean; headLengthHidden?: boolean } = {};
  /** Storage class HEAD reports for objects whose path includes the key (GLACIER, DEEP_ARCHIVE…); off by default. */
  readonly storageClasses = new Map<string, string>();
  /** GetBucketLocation's LocationConstraint per bucket, as S3 words it ('' for us-east-1, 'EU'); answered from any region. */
  readonly locationConstraints = new Map<string, string>();
  readonly client: S3Client;
  private readonly holds: { readonly method?: string; readonly pathIncludes: string; readonly released: Promise<void>; count: number }[] = [];

  private constructor(
    private readonly s3rver: S3rver,
    private readonly upstreamPort: number,
    private readonly proxy: Server,
    readonly endpoint: string,
    private readonly directory: string,
  ) {
    // s3rver does not understand the SDK's default streaming checksum trailer (aws-chunked): send none.
    this.client = new S3Client({ requestChecksumCalculation: 'WHEN_REQUIRED', region: 'us-east-1', endpoint: `http://127.0.0.1:${upstreamPort}`, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  }

  static async start(): Promise<S3TestServer> {
    const directory = mkdtempSync(join(tmpdir(), 's3rver-'));
    const s3rver = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, vhostBuckets: false });
    const { port } = await s3rver.run();
    const ref: { server?: S3TestServer } = {};
    const proxy = createServer((req, res) => void ref.server?.handle(req, res));
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    ref.server = new S3TestServer(s3rver, port, proxy, endpoint, directory);
    return ref.server;
  }

  /**
   * s3rver itself, without the counting proxy: for the benchmark's timed runs, where the proxy's second
   * HTTP hop would take CPU from the two cores the dry run it measures also runs on.
   */
  get directEndpoint(): string {
    return `http://127.0.0.1:${this.upstreamPort}`;
  }

  async createBucket(bucket: string): Promise<void> {
    await this.client.send(new CreateBucketCommand({ Bucket: bucket }));
  }

  async put(bucket: string, key: string, body: Buffer): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  }

  /**
   * Parks the requests that match until release(): a read of one object that lasts exactly as long as a
   * test needs it to, to see what the run does meanwhile.
   */
  hold(rule: { readonly method?: string; readonly pathIncludes: string }): { release(): void; held(): number } {
    let open!: () => void;
    const hold = { ...rule, released: new Promise<void>((resolve) => (open = resolve)), count: 0 };
    this.holds.push(hold);
    return {
      release: () => {
        this.holds.splice(this.holds.indexOf(hold), 1);
        open();
      },
      held: () => hold.count,
    };
  }

  /** Forgets the requests counted so far. */
  resetCounts(): void {
    this.requests.length = 0;
    this.bytesServed = 0;
  }

  gets(): SeenRequest[] {
    return this.requests.filter((r) => r.method === 'GET' && r.range !== undefined);
  }

  async stop(): Promise<void> {
    this.client.destroy();
    this.proxy.closeAllConnections();
    await new Promise<void>((resolve) => this.proxy.close(() => resolve()));
    await this.s3rver.close();
    rmSync(this.directory, { recursive: true, force: true });
  }

  private takeFault(req: IncomingMessage): Fault | undefined {
    const rule = this.faults.find(
      (f) =>
        f.times > 0 &&
        (f.method === undefined || f.method === req.method) && (f.pathIncludes === undefined || (req.url ?? '').includes(f.pathIncludes)) &&
        (f.rangeFrom === undefined || req.headers.range?.startsWith(`bytes=${f.rangeFrom}-`) === true),
    );
    if (rule === undefined) return undefined;
    rule.times -= 1;
    return rule.fault;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
    const range = typeof req.headers.range === 'string' ? req.headers.range : undefined;
    const record = (status: number): void => {
      this.requests.push({ method: req.method ?? '', path, ...(range === undefined ? {} : { range }), status });
    };
    if (this.latencyMs > 0) await sleep(this.latencyMs);
    const hold = this.holds.find((h) => (h.method === undefined || h.method === req.method) && (req.url ?? '').includes(h.pathIncludes));
    if (hold !== undefined) {
      hold.count += 1;
      await hold.released;
    }
    const bucket = path.split('/')[1] ?? '';
    const signedRegion = /Credential=[^/]+\/\d+\/([^/]+)\//.exec(req.headers.authorization ?? '')?.[1];
    const home = this.bucketRegions.get(bucket);
    const regionHeader: Record<string, string> = home === undefined || this.regionHeaderHidden ? {} : { 'x-amz-bucket-region': home };
    const constraint = this.locationConstraints.get(bucket);
    if (req.method === 'GET' && constraint !== undefined && /[?&]location(=|&|$)/.test(req.url ?? '')) {
      record(200);
      req.resume();
      const body = `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${constraint}</LocationConstraint>`;
      res.writeHead(200, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    if (home !== undefined && signedRegion !== home) {
      const status = this.wrongRegionStatus;
      record(status);
      if (status === 400) return this.errorReply(req, res, 400, 'AuthorizationHeaderMalformed', `The authorization header is malformed; the region '${signedRegion ?? ''}' is wrong; expecting '${home}'`, regionHeader);
      return this.errorReply(req, res, 301, 'PermanentRedirect', 'The bucket you are attempting to access must be addressed using the specified endpoint.', regionHeader);
    }
    const fault = this.takeFault(req);
    const reply = fault === undefined || fault === 'reset' || fault === 'short' ? undefined : ERROR_FAULTS[fault];
    if (reply !== undefined) {
      record(reply.status);
      return this.errorReply(req, res, reply.status, reply.code, reply.message);
    }
    if (req.method === 'GET' && /[?&]list-type=2(&|$)/.test(req.url ?? '')) {
      record(200);
      return this.listV2(req, res, bucket);
    }
    if (this.quirks.ifMatchRefused === true && req.headers['if-match'] !== undefined) {
      record(412);
      return this.errorReply(req, res, 412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
    }
    const forwarded = { ...req.headers };
    if (this.quirks.rangeIgnored === true) delete forwarded.range;
    const asked = /^bytes=(\d+)-(\d+)$/.exec(typeof forwarded.range === 'string' ? forwarded.range : '');
    const cap = this.quirks.rangesCappedAt;
    if (cap !== undefined && asked !== null) forwarded.range = `bytes=${asked[1]}-${Math.min(Number(asked[2]), Number(asked[1]) + cap - 1)}`;
    const upstream = request({ host: '127.0.0.1', port: this.upstreamPort, method: req.method, path: req.url, headers: forwarded }, (reply) => {
      const status = reply.statusCode ?? 502;
      record(status);
      const headers = { ...reply.headers };
      Object.assign(headers, regionHeader);
      if (req.method === 'HEAD' && this.quirks.headLengthHidden === true) delete headers['content-length'];
      // HEAD of an archived object: 200 with its storage class (GetObject then says InvalidObjectState).
      const archived = [...this.storageClasses].find(([part]) => path.includes(part));
      if (req.method === 'HEAD' && archived !== undefined) headers['x-amz-storage-class'] = archived[1];
      if (fault === 'short' || fault === 'reset') {
        const chunks: Buffer[] = [];
        reply.on('data', (c: Buffer) => chunks.push(c));
        reply.on('end', () => {
          const body = Buffer.concat(chunks);
          const half = body.subarray(0, Math.floor(body.length / 2));
          if (fault === 'short') {
            // A well-formed response that is simply shorter than the range asked for.
            headers['content-length'] = String(half.length);
            res.writeHead(status, headers);
            res.end(half);
          } else {
            res.writeHead(status, headers);
            res.write(half, () => res.socket?.destroy());
          }
          this.bytesServed += half.length;
        });
        return;
      }
      res.writeHead(status, headers);
      reply.on('data', (c: Buffer) => {
        if (req.method === 'GET') this.bytesServed += c.length;
      });
      reply.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  }

  /**
   * ListObjectsV2, answered here from s3rver's version-1 listing: s3rver's own continuation tokens are
   * DES-encrypted, which Node 20's OpenSSL 3 refuses, so its second page of a V2 listing fails.
   */
  private async listV2(req: IncomingMessage, res: ServerResponse, bucket: string): Promise<void> {
    req.resume();
    const query = new URL(req.url ?? '/', 'http://proxy').searchParams;
    const token = query.get('continuation-token');
    const marker = token === null ? (query.get('start-after') ?? undefined) : Buffer.from(token, 'base64').toString('utf8');
    const maxKeys = Number(query.get('max-keys') ?? 1000);
    const prefix = query.get('prefix') ?? '';
    const page = await this.client.send(new ListObjectsCommand({ Bucket: bucket, Prefix: prefix, MaxKeys: maxKeys, ...(marker === undefined ? {} : { Marker: marker }) }));
    const contents = page.Contents ?? [];
    const last = contents.at(-1)?.Key;
    const xml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    // As S3 writes them when asked with encoding-type=url: percent-encoded, a space as '+'.
    const encoded = this.quirks.listedKeysEncoded === true;
    const key = (text: string): string => (encoded ? encodeURIComponent(text).replace(/%20/g, '+').replace(/%2F/g, '/') : text);
    const body = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${xml(bucket)}</Name><Prefix>${xml(prefix)}</Prefix>`,
      encoded ? '<EncodingType>url</EncodingType>' : '',
      `<KeyCount>${contents.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${page.IsTruncated === true}</IsTruncated>`,
      page.IsTruncated === true && last !== undefined ? `<NextContinuationToken>${Buffer.from(last).toString('base64')}</NextContinuationToken>` : '',
      ...contents.map((c) => `<Contents><Key>${xml(key(c.Key ?? ''))}</Key><Size>${c.Size ?? 0}</Size><ETag>${xml(c.ETag ?? '')}</ETag><LastModified>${c.LastModified?.toISOString() ?? ''}</LastModified><StorageClass>STANDARD</StorageClass></Contents>`),
      '</ListBucketResult>',
    ].join('');
    res.writeHead(200, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  private errorReply(req: IncomingMessage, res: ServerResponse, status: number, code: string, message: string, extra: Record<string, string> = {}): void {
    req.resume();
    const body = req.method === 'HEAD' ? '' : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>test</RequestId></Error>`;
    res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body), ...extra });
    res.end(body);
  }
}
