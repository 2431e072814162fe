/**
 * Bytes as they came off the socket: the chunks of one response, kept as they are instead of copied into
 * one buffer. A 4 MiB block is read by copying slices out of it (into the reader's buffer, or a worker's
 * window) once anyway; joining the chunks first was a second copy of every byte of the zip.
 */
export class ByteChunks {
  static readonly empty = new ByteChunks([]);

  /** Where each chunk starts. */
  private readonly offsets: number[] = [];
  readonly length: number;

  constructor(private readonly chunks: readonly Buffer[]) {
    let at = 0;
    for (const chunk of chunks) {
      this.offsets.push(at);
      at += chunk.length;
    }
    this.length = at;
  }

  /** Copies bytes `sourceStart` up to `sourceEnd` (clamped to the length) into `target` at `targetStart`, like Buffer.copy. */
  copy(target: Buffer, targetStart: number, sourceStart: number, sourceEnd: number): number {
    const end = Math.min(sourceEnd, this.length);
    let copied = 0;
    for (let i = this.chunkAt(sourceStart); i < this.chunks.length && sourceStart + copied < end; i++) {
      const chunk = this.chunks[i]!;
      const from = sourceStart + copied - this.offsets[i]!;
      const upTo = Math.min(chunk.length, end - this.offsets[i]!);
      copied += chunk.copy(target, targetStart + copied, from, upTo);
    }
    return copied;
  }

  /** One buffer: the only chunk itself, or the chunks joined. */
  toBuffer(): Buffer {
    return this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks as Buffer[], this.length);
  }

  /** The index of the chunk holding byte `position` (binary search over the starts). */
  private chunkAt(position: number): number {
    let low = 0;
    let high = this.chunks.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.offsets[mid]! <= position) low = mid;
      else high = mid - 1;
    }
    return low;
  }
}
