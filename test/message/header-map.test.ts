import { describe, expect, it, vi } from 'vitest';
import { LazyHeaderMap } from '../../src/message/header-map.js';
import { splitHeaderBlock } from '../../src/message/header-block.js';
import * as decodeHeader from '../../src/message/decode-header.js';
import { summarizeMessage } from '../../src/message/summarize.js';

vi.mock('../../src/message/decode-header.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/message/decode-header.js')>();
  return { ...actual, decodeFieldValue: vi.fn(actual.decodeFieldValue) };
});

const buf = (s: string): Buffer => Buffer.from(s, 'latin1');

const BLOCK = buf(
  'Received: from a by b; Tue, 2 Jul 2019 09:16:00 +0000\r\n' +
    'Received: from c\r\n\tby d; Tue, 2 Jul 2019 09:15:00 +0000\r\n' +
    'Subject: =?utf-8?Q?caf=C3=A9?=\r\n =?utf-8?Q?_au_lait?=\r\n' +
    'From: =?iso-8859-1?Q?J=F6rg?= <j@example.com>\r\n' +
    'X-Raw: \xc4\xe3\xba\xc3\r\n' +
    'X-Spam-Status: Yes, score=7.1\r\n\ttests=BAYES_99\r\n' +
    'x-spam-status: No\r\n' +
    'Thread-Topic: =?utf-8?B?R3LDvMOfZQ==?=\r\n' +
    'Subject  : second\r\n' +
    'Content-Type: text/plain; charset=gb2312\r\n' +
    'Message-ID: <a\x00b@c>\r\n' +
    '\r\nbody: not a header\r\n',
);

/** What summarizeMessage built before decoding became lazy: every field decoded up front. */
function eager(head: Buffer): Map<string, string[]> {
  const { fields } = splitHeaderBlock(head);
  const contentType = fields.find((f) => f.name.toLowerCase() === 'content-type');
  const fallback = decodeHeader.fallbackCharset(contentType?.value.toString('latin1'));
  const map = new Map<string, string[]>();
  for (const field of fields) {
    const name = field.name.toLowerCase();
    const value = decodeHeader.decodeFieldValue(name, field.value, fallback);
    const list = map.get(name);
    if (list) list.push(value);
    else map.set(name, [value]);
  }
  return map;
}

describe('LazyHeaderMap', () => {
  it('holds the same names, values and order as decoding every field up front', () => {
    const expected = eager(BLOCK);
    const lazy = LazyHeaderMap.of(BLOCK);
    expect(lazy.size).toBe(expected.size);
    expect([...lazy.keys()]).toEqual([...expected.keys()]);
    expect([...lazy.entries()]).toEqual([...expected.entries()]);
    expect([...lazy]).toEqual([...expected]);
    expect([...lazy.values()]).toEqual([...expected.values()]);
    const seen: [string, readonly string[]][] = [];
    lazy.forEach((values, name, map) => {
      expect(map).toBe(lazy);
      seen.push([name, values]);
    });
    expect(seen).toEqual([...expected]);
    // spot checks of what the eager map holds
    expect(lazy.get('subject')).toEqual(['café au lait', 'second']);
    expect(lazy.get('x-spam-status')).toEqual(['Yes, score=7.1\ttests=BAYES_99', 'No']);
    expect(lazy.get('x-raw')).toEqual(['你好']); // the charset Content-Type declares, although it comes later
    expect(lazy.get('message-id')).toEqual(['<ab@c>']);
  });

  it('answers has and get like a Map with lower-cased keys', () => {
    const lazy = LazyHeaderMap.of(BLOCK);
    expect(lazy.has('x-spam-status')).toBe(true);
    expect(lazy.has('X-Spam-Status')).toBe(false);
    expect(lazy.get('X-Spam-Status')).toBeUndefined();
    expect(lazy.get('body')).toBeUndefined();
    expect(lazy.has('nothing')).toBe(false);
  });

  it('decodes only the fields asked for, each once', () => {
    const decode = vi.mocked(decodeHeader.decodeFieldValue);
    const lazy = LazyHeaderMap.of(BLOCK);
    decode.mockClear();
    const first = lazy.get('received');
    expect(decode).toHaveBeenCalledTimes(2); // both Received fields, nothing else
    expect(lazy.get('received')).toBe(first);
    expect(lazy.has('subject')).toBe(true);
    expect(lazy.size).toBe(8);
    expect([...lazy.keys()]).toHaveLength(8);
    expect(decode).toHaveBeenCalledTimes(2);
    const all = [...lazy.entries()];
    expect(decode).toHaveBeenCalledTimes(11); // every field once, Received not again
    expect(all[0]?.[1]).toBe(first);
    expect([...lazy.values()]).toEqual(all.map(([, values]) => values));
    expect(decode).toHaveBeenCalledTimes(11);
  });

  it('is what summarizeMessage returns, decoding only what the summary needs', () => {
    const decode = vi.mocked(decodeHeader.decodeFieldValue);
    decode.mockClear();
    const summary = summarizeMessage(BLOCK);
    expect(summary.headers).toBeInstanceOf(LazyHeaderMap);
    const decoded = new Set(decode.mock.calls.map(([name]) => name));
    expect(decoded).toEqual(new Set(['subject', 'from', 'message-id', 'received']));
    expect([...summary.headers]).toEqual([...eager(BLOCK)]);
  });
});
