/**
 * S3ZipFile's blocks against a real S3-protocol server (s3rver behind the fault-injecting proxy): every
 * byte read is the object's, while the few block buffers are used again for later blocks, reads overlap,
 * jump back and forth, and GETs fail or come back short.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { IMPORT_READS, SCAN_READS, openS3ZipFile } from '../../src/source/s3/s3-zip-file.js';
import { createPrng } from '../emulator/prng.js';
import { serveS3 } from './serve-s3.js';

const S3_BLOCK_BYTES = SCAN_READS.blockBytes;

/** Fourteen and a half blocks: more than the cache holds, so blocks are evicted and their buffers taken again. */
const object = randomBytes(14 * S3_BLOCK_BYTES + S3_BLOCK_BYTES / 2);
const s3 = serveS3(async (server) => {
  await server.createBucket('blocks');
  await server.put('blocks', 'object.zip', object);
});

/** Whole numbers below `below`, the same for the same seed, so that a failure can be run again as it was. */
function generator(seed: number): (below: number) => number {
  const random = createPrng(seed);
  return (below) => Math.floor(random() * below);
}

/** Reads `length` bytes at `position` and says where they differ from the object's, if they do. */
async function readAndCompare(zip: Awaited<ReturnType<typeof openS3ZipFile>>, position: number, length: number): Promise<string | undefined> {
  const buffer = Buffer.alloc(length);
  const got = await zip.read(buffer, position);
  const expected = object.subarray(position, position + length);
  if (got !== expected.length) return `read at ${position}: got ${got} bytes, expected ${expected.length}`;
  return buffer.subarray(0, got).equals(expected) ? undefined : `read at ${position} (${length} bytes): other bytes than the object's`;
}

describe('S3ZipFile blocks', () => {
  it('gives the object bytes to readers that lag one another through the whole object, as a scan reads it', async () => {
    const zip = await openS3ZipFile('s3://blocks/object.zip');
    const problems: string[] = [];
    // Four readers over interleaved stretches of 300 KiB, each at its own pace: the later blocks' buffers
    // are the earlier blocks', taken back while the slower readers may still be in them.
    const stretch = 300 * 1024;
    await Promise.all(
      [0, 1, 2, 3].map(async (reader) => {
        const next = generator(reader + 1);
        for (let at = reader * stretch; at < object.length; at += 4 * stretch) {
          for (let offset = 0; offset < stretch; ) {
            const length = 1 + next(64 * 1024);
            const problem = await readAndCompare(zip, at + offset, Math.min(length, stretch - offset));
            if (problem !== undefined) problems.push(problem);
            offset += length;
          }
        }
      }),
    );
    await zip.close();
    expect(problems).toEqual([]);
    // Every block fetched about once: the read-ahead is used, not thrown away.
    expect(s3().gets().length).toBeLessThanOrEqual(16 + 2);
  });

  it('for the import, reads in the import profile\'s small blocks, fetches no end on open, and still gives the object bytes', async () => {
    const zip = await openS3ZipFile('s3://blocks/object.zip', 'import');
    expect(s3().gets()).toEqual([]);
    const next = generator(11);
    const problems: string[] = [];
    // Six readers a few messages apart, moving forward, as a mailbox's queued uploads read a folder; then
    // reads near the end of the object, which the scan's kept end would have served.
    let at = 0;
    while (at < 6 * S3_BLOCK_BYTES) {
      const reads = Array.from({ length: 6 }, () => {
        const length = 1 + next(120_000);
        const read = { position: at, length };
        at += length + next(40_000);
        return read;
      });
      const results = await Promise.all(reads.map(({ position, length }) => readAndCompare(zip, position, length)));
      problems.push(...results.filter((r): r is string => r !== undefined));
    }
    problems.push(...[(await readAndCompare(zip, object.length - 5000, 5000)) ?? [], (await readAndCompare(zip, object.length - 300_000, 200_000)) ?? []].flat());
    await zip.close();
    expect(problems).toEqual([]);
    const ranges = s3().gets().map((get) => /bytes=(\d+)-(\d+)/.exec(get.range ?? '')!.slice(1).map(Number) as [number, number]);
    for (const [from, to] of ranges) expect(to - from + 1).toBeLessThanOrEqual(IMPORT_READS.blockBytes);
    // About once each: the blocks of the stretch read, read-ahead included, not refetched.
    expect(ranges.length).toBeLessThanOrEqual(Math.ceil(at / IMPORT_READS.blockBytes) + IMPORT_READS.readAheadBlocks + 2);
  });

  it('gives the object bytes to overlapping reads that jump back and forth, across block edges', async () => {
    const zip = await openS3ZipFile('s3://blocks/object.zip');
    const next = generator(7);
    const problems: string[] = [];
    const reads = Array.from({ length: 120 }, () => ({ position: next(object.length), length: 1 + next(S3_BLOCK_BYTES + 200_000) }));
    // Eight at a time, so that blocks are evicted (and their buffers used again) while reads wait in them.
    for (let i = 0; i < reads.length; i += 8) {
      const results = await Promise.all(reads.slice(i, i + 8).map(({ position, length }) => readAndCompare(zip, position, Math.min(length, object.length - position))));
      problems.push(...results.filter((r): r is string => r !== undefined));
    }
    await zip.close();
    expect(problems).toEqual([]);
  });

  it('gives the object bytes to more reads at once than the cache holds blocks, whose blocks are evicted while their GETs run', async () => {
    // Short bodies make some GETs take their retries' time: a block evicted meanwhile still writes on.
    s3().faults = [{ method: 'GET', fault: 'short', times: 8 }];
    const zip = await openS3ZipFile('s3://blocks/object.zip');
    const problems: string[] = [];
    // Each round reads in 13 blocks at once, every read moving forward and so asking for read-ahead too:
    // blocks leave the cache before their GETs have answered, and must not give their buffers away then.
    for (let round = 0; round < 4; round++) {
      const reads = Array.from({ length: 13 }, (_, block) => ({ position: block * S3_BLOCK_BYTES + round * 333_333, length: 700_000 + round * 1000 }));
      const results = await Promise.all(reads.map(({ position, length }) => readAndCompare(zip, position, Math.min(length, object.length - position))));
      problems.push(...results.filter((r): r is string => r !== undefined));
    }
    await zip.close();
    expect(problems).toEqual([]);
  });

  it('does not give a block buffer away while its GET may still write into it', async () => {
    // Block 4's first answer comes back short, so its GET writes again after the retry's backoff.
    s3().faults = [{ method: 'GET', rangeFrom: 4 * S3_BLOCK_BYTES, fault: 'short', times: 1 }];
    const zip = await openS3ZipFile('s3://blocks/object.zip');
    // A read at the start asks for blocks 0-4; reads at 14 down to 7 (none moving forward) push 0-4 out of
    // the cache, block 4 while its GET waits to retry. The block that takes its place (7) must not get its buffer.
    const first = [0, 14, 13, 12, 11, 10, 9, 8, 7].map((block) => readAndCompare(zip, block * S3_BLOCK_BYTES + 100, 1000));
    const problems = (await Promise.all(first)).filter((r): r is string => r !== undefined);
    // Long after block 4's retry has written: block 7, still cached, holds block 7's bytes.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const again = await readAndCompare(zip, 7 * S3_BLOCK_BYTES, S3_BLOCK_BYTES);
    await zip.close();
    expect(problems).toEqual([]);
    expect(again).toBeUndefined();
    expect(s3().faults.every((f) => f.times === 0)).toBe(true);
  });

  it('gives the object bytes when GETs break off or come back short, and the retries write into used buffers', async () => {
    s3().faults = [
      { method: 'GET', fault: 'short', times: 3 },
      { method: 'GET', rangeFrom: 5 * S3_BLOCK_BYTES, fault: 'reset', times: 2 },
      { method: 'GET', rangeFrom: 9 * S3_BLOCK_BYTES, fault: 'short', times: 1 },
    ];
    const zip = await openS3ZipFile('s3://blocks/object.zip');
    const problems: string[] = [];
    const next = generator(11);
    for (let at = 0; at < object.length; ) {
      const length = Math.min(1 + next(512 * 1024), object.length - at);
      const problem = await readAndCompare(zip, at, length);
      if (problem !== undefined) problems.push(problem);
      at += length;
    }
    // And back to the start, whose block was evicted long ago: fetched again into a used buffer.
    const again = await readAndCompare(zip, 1000, 3 * S3_BLOCK_BYTES);
    await zip.close();
    expect(problems).toEqual([]);
    expect(again).toBeUndefined();
    expect(s3().faults.every((f) => f.times === 0)).toBe(true);
  });
});
