import type { IncomingMessage } from 'node:http';

export interface ReadBody {
  body: Buffer;
  /** Bytes the client sent, including any beyond the cap. */
  length: number;
  tooLarge: boolean;
}

/**
 * Reads the whole body but keeps at most `cap` bytes; the rest is drained, so an over-size upload still gets
 * a clean 413 instead of a broken pipe.
 */
export function readBody(request: IncomingMessage, cap: number): Promise<ReadBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    let length = 0;
    request.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (kept < cap) {
        const slice = chunk.subarray(0, cap - kept);
        chunks.push(slice);
        kept += slice.length;
      }
    });
    request.on('end', () => resolve({ body: Buffer.concat(chunks), length, tooLarge: length > cap }));
    request.on('error', reject);
  });
}
