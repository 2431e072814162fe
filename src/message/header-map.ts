/**
 * A message's header fields as a ReadonlyMap from lower-cased name to decoded values (see MessageSummary
 * `headers`), decoding a field's values only when they are first asked for, and then once. A summary needs
 * four fields (Subject, From, Date, Message-ID) and the spam policy four more; decoding all thirty-odd
 * fields of a real header block (Received chains, DKIM, ARC, ...) up front cost most of a summary's time.
 */
import type { FallbackSource } from './decode-header.js';
import { decodeFieldValue, fallbackCharset } from './decode-header.js';
import type { HeaderFieldSink } from './header-block.js';
import { walkHeaderFields } from './header-block.js';

export class LazyHeaderMap implements ReadonlyMap<string, readonly string[]>, HeaderFieldSink, FallbackSource {
  readonly #buf: Buffer;
  /** Each name's raw values as [start, end) offset pairs into the buffer, names in order of first appearance. */
  readonly #raw = new Map<string, number[]>();
  readonly #decoded = new Map<string, readonly string[]>();
  #fallback: string | undefined;
  /** Lines of the header block that are not fields (see HeaderBounds `defects`). */
  #defects = 0;

  /** The fields of the header block at the start of `head` (which may be the whole message). */
  static of(head: Buffer): LazyHeaderMap {
    const map = new LazyHeaderMap(head);
    map.#defects = walkHeaderFields(head, map).defects;
    return map;
  }

  get headerDefects(): number {
    return this.#defects;
  }

  private constructor(buf: Buffer) {
    this.#buf = buf;
  }

  /** For walkHeaderFields only. */
  field(buf: Buffer, start: number, nameEnd: number, colon: number, end: number): void {
    const name = buf.toString('latin1', start, nameEnd).toLowerCase();
    const list = this.#raw.get(name);
    if (list) list.push(colon + 1, end);
    else this.#raw.set(name, [colon + 1, end]);
  }

  /** The charset raw 8-bit values are read in when not UTF-8: the first Content-Type's (see fallbackCharset). */
  fallbackCharset(): string {
    if (this.#fallback === undefined) {
      const ct = this.#raw.get('content-type');
      this.#fallback = fallbackCharset(ct === undefined ? undefined : this.#buf.toString('latin1', ct[0], ct[1]));
    }
    return this.#fallback;
  }

  get size(): number {
    return this.#raw.size;
  }

  has(name: string): boolean {
    return this.#raw.has(name);
  }

  get(name: string): readonly string[] | undefined {
    const done = this.#decoded.get(name);
    if (done !== undefined) return done;
    const raw = this.#raw.get(name);
    if (raw === undefined) return undefined;
    const values: string[] = [];
    for (let i = 0; i < raw.length; i += 2) values.push(decodeFieldValue(name, this.#buf.subarray(raw[i], raw[i + 1]), this));
    this.#decoded.set(name, values);
    return values;
  }

  keys(): MapIterator<string> {
    return this.#raw.keys();
  }

  *values(): MapIterator<readonly string[]> {
    for (const name of this.#raw.keys()) yield this.get(name)!;
  }

  *entries(): MapIterator<[string, readonly string[]]> {
    for (const name of this.#raw.keys()) yield [name, this.get(name)!];
  }

  [Symbol.iterator](): MapIterator<[string, readonly string[]]> {
    return this.entries();
  }

  forEach(callback: (value: readonly string[], key: string, map: ReadonlyMap<string, readonly string[]>) => void, thisArg?: unknown): void {
    for (const [name, values] of this.entries()) callback.call(thisArg, values, name, this);
  }

  get [Symbol.toStringTag](): string {
    return 'LazyHeaderMap';
  }
}
