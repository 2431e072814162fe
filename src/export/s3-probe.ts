import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { parseS3Uri } from './s3-location.js';

/** Whether an export's zip is in S3 yet. */
export interface ObjectProbe {
  /** True when the object exists, false when S3 says it does not; anything else (access, network) throws. */
  exists(uri: string): Promise<boolean>;
  close(): void;
}

export interface S3Connection {
  readonly region?: string;
  /** An S3-compatible endpoint (path-style), e.g. the local s3rver. */
  readonly endpoint?: string;
}

/** HeadObject through the SDK, credentials from the standard AWS chain. */
export function s3ObjectProbe(connection: S3Connection): ObjectProbe {
  const client = new S3Client({
    ...(connection.region ? { region: connection.region } : {}),
    ...(connection.endpoint ? { endpoint: connection.endpoint, forcePathStyle: true } : {}),
  });
  return {
    async exists(uri) {
      const location = parseS3Uri(uri);
      if (!location) throw new Error(`${uri} is not an s3://bucket/key URI`);
      try {
        await client.send(new HeadObjectCommand({ Bucket: location.bucket, Key: location.key }));
        return true;
      } catch (error) {
        const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
        const status = e.$metadata?.httpStatusCode;
        if (e.name === 'NotFound' || e.name === 'NoSuchKey' || status === 404) return false;
        // A HEAD answer has no body, so the SDK can only name the status: say what each one means.
        if (status === 403) throw new Error(`access denied to ${uri}: check the credentials, the bucket policy, and kms:Decrypt on the export's KMS key`, { cause: error });
        if (status === 301 || status === 400) throw new Error(`S3 refused ${uri} (HTTP ${status}): is the bucket in another Region? Give its Region`, { cause: error });
        throw error;
      }
    },
    close: () => client.destroy(),
  };
}
