import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { ByteChunks } from '../../src/source/s3/byte-chunks.js';

describe('ByteChunks', () => {
  it('copies any range across chunk boundaries exactly as Buffer.copy of the joined bytes', () => {
    const sizes = [1, 0, 7, 64, 3, 1000, 2, 0, 513];
    const chunks = sizes.map((n) => randomBytes(n));
    const joined = Buffer.concat(chunks);
    const bytes = new ByteChunks(chunks);
    expect(bytes.length).toBe(joined.length);
    expect(bytes.toBuffer().equals(joined)).toBe(true);
    for (let start = 0; start <= joined.length; start += 37) {
      for (const span of [0, 1, 5, 64, 700, 5000]) {
        const want = Buffer.alloc(span + 4, 0xee);
        const got = Buffer.alloc(span + 4, 0xee);
        const copiedWant = joined.copy(want, 2, start, Math.min(start + span, joined.length));
        const copiedGot = bytes.copy(got, 2, start, start + span);
        expect(copiedGot).toBe(copiedWant);
        expect(got.equals(want)).toBe(true);
      }
    }
    expect(ByteChunks.empty.copy(Buffer.alloc(4), 0, 0, 4)).toBe(0);
  });
});
