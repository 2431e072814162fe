/** What a zip is known by before it is read: its size, and for an S3 object its ETag. */
import { stat } from 'node:fs/promises';
import { isS3Uri } from './zip-location.js';

export interface ZipIdentity {
  readonly size: number;
  /** Local files: the modification time (ms). */
  readonly mtimeMs?: number;
  /** S3 objects: the ETag as S3 gives it; another ETag means the object was replaced. */
  readonly etag?: string;
}

/** The zip's size and what proves it unchanged; undefined when it cannot be found or read (the scan says why). */
export async function zipIdentity(location: string): Promise<ZipIdentity | undefined> {
  try {
    if (isS3Uri(location)) {
      const { headS3Object } = await import('./s3/s3-object.js');
      const object = await headS3Object(location);
      return { size: object.size, etag: object.etag };
    }
    const stats = await stat(location);
    return { size: stats.size, mtimeMs: stats.mtimeMs };
  } catch {
    return undefined;
  }
}
