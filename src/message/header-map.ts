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
  /**
   * Each field as four offsets into the buffer: name start, name end, colon, value end. Names stay bytes
   * until a name is asked for: making a lower-cased string of every name of a thirty-field block cost a
   * fifth of a summary, and a summary asks for eight of them.
   */
  readonly #fields: number[] = [];
  /** Lower-cased names in order of first appearance, made when first needed (keys, size, has). */
  #names: string[] | undefined;
  readonly #decoded = new Map<string, readonly string[] | undefined>();
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
  field(_buf: Buffer, start: number, nameEnd: number, colon: number, end: number): void {
    this.#fields.push(start, nameEnd, colon, end);
  }

  /** Whether field `at` (an index into #fields) is named `name`, compared as toLowerCase() of its bytes would be. */
  #named(at: number, name: string): boolean {
    const start = this.#fields[at]!;
    if (this.#fields[at + 1]! - start !== name.length) return false;
    const buf = this.#buf;
    for (let i = 0; i < name.length; i++) {
      const c = buf[start + i]!;
      // Names are printable ASCII (see fieldColon): only A-Z change case.
      if ((c >= 0x41 && c <= 0x5a ? c | 0x20 : c) !== name.charCodeAt(i)) return false;
    }
    return true;
  }

  /** [start, end) of each raw value of the field `name`, in order of appearance. */
  #rawValues(name: string): number[] {
    const raw: number[] = [];
    for (let at = 0; at < this.#fields.length; at += 4) if (this.#named(at, name)) raw.push(this.#fields[at + 2]! + 1, this.#fields[at + 3]!);
    return raw;
  }

  #allNames(): string[] {
    if (this.#names === undefined) {
      const names = new Set<string>();
      for (let at = 0; at < this.#fields.length; at += 4) names.add(this.#buf.toString('latin1', this.#fields[at], this.#fields[at + 1]).toLowerCase());
      this.#names = [...names];
    }
    return this.#names;
  }

  /** The charset raw 8-bit values are read in when not UTF-8: the first Content-Type's (see fallbackCharset). */
  fallbackCharset(): string {
    if (this.#fallback === undefined) {
      const ct = this.#rawValues('content-type');
      this.#fallback = fallbackCharset(ct.length === 0 ? undefined : this.#buf.toString('latin1', ct[0], ct[1]));
    }
    return this.#fallback;
  }

  get size(): number {
    return this.#allNames().length;
  }

  has(name: string): boolean {
    for (let at = 0; at < this.#fields.length; at += 4) if (this.#named(at, name)) return true;
    return false;
  }

  get(name: string): readonly string[] | undefined {
    if (this.#decoded.has(name)) return this.#decoded.get(name);
    const raw = this.#rawValues(name);
    let values: string[] | undefined;
    if (raw.length > 0) {
      values = [];
      for (let i = 0; i < raw.length; i += 2) values.push(decodeFieldValue(name, this.#buf.subarray(raw[i], raw[i + 1]), this));
    }
    this.#decoded.set(name, values);
    return values;
  }

  keys(): MapIterator<string> {
    return this.#allNames()[Symbol.iterator]();
  }

  *values(): MapIterator<readonly string[]> {
    for (const name of this.#allNames()) yield this.get(name)!;
  }

  *entries(): MapIterator<[string, readonly string[]]> {
    for (const name of this.#allNames()) yield [name, this.get(name)!];
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
