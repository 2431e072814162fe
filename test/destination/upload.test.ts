import { describe, expect, it } from 'vitest';
import { splitAttachments, fileAttachmentJson } from '../../src/destination/graph/attachments.js';
import { MAX_REQUEST_BYTES, SMALL_ATTACHMENT_MAX_BYTES } from '../../src/destination/graph/limits.js';
import type { AttachmentPart } from '../../src/destination/graph/mime-to-json.js';
import { resolveSettings } from '../../src/destination/graph/settings.js';
import { base64Body, fitsImportMime, importMimeBodyBytes } from '../../src/destination/graph/upload-import-mime.js';
import { NoRetryError, RetryableError } from '../../src/accounting/errors.js';
import type { GraphRequest, GraphRequester, GraphResponse } from '../../src/destination/graph/graph-requester.js';
import { contentRange, nextOffset, uploadBySession } from '../../src/destination/graph/upload-session.js';

function part(name: string, bytes: number, extra: Partial<AttachmentPart> = {}): AttachmentPart {
  return { name, contentType: 'application/octet-stream', isInline: false, contentId: null, content: Buffer.alloc(bytes, 7), ...extra };
}

describe('importMime sizing', () => {
  it('encodes the body slice by slice to exactly what one base64 pass gives, padding only at the end', () => {
    const step = 3 * 8192;
    const random = Buffer.from(Array.from({ length: 3 * step + 7 }, (_, i) => (i * 7919 + (i >> 3)) & 0xff));
    for (const length of [0, 1, 2, 3, 4, step - 1, step, step + 1, step + 2, 2 * step, random.length]) {
      const mime = random.subarray(0, length);
      const body = base64Body(mime);
      expect(body.toString('latin1'), `length ${length}`).toBe(mime.toString('base64'));
      expect(body.length).toBe(importMimeBodyBytes(length));
    }
  });

  it('counts the base64 body exactly', () => {
    expect(importMimeBodyBytes(0)).toBe(0);
    expect(importMimeBodyBytes(1)).toBe(4);
    expect(importMimeBodyBytes(3)).toBe(4);
    expect(importMimeBodyBytes(4)).toBe(8);
    expect(importMimeBodyBytes(10)).toBe(Buffer.alloc(10).toString('base64').length);
  });

  it('fits messages whose base64 stays within the 4 MB request limit', () => {
    const largest = (MAX_REQUEST_BYTES / 4) * 3;
    expect(fitsImportMime(Buffer.alloc(largest))).toBe(true);
    expect(fitsImportMime(Buffer.alloc(largest + 1))).toBe(false);
  });
});

describe('splitAttachments', () => {
  it('inlines small attachments while the create stays in budget, the rest later', () => {
    const { inline, later } = splitAttachments(1000, [part('a', 1000), part('b', 2_000_000), part('c', 1000)], 1_500_000);
    expect(inline.map((p) => p.name)).toEqual(['a', 'c']);
    expect(later.map((p) => p.name)).toEqual(['b']);
  });

  it('never inlines an attachment of 3 MB or more', () => {
    const { inline, later } = splitAttachments(0, [part('big', SMALL_ATTACHMENT_MAX_BYTES)], Number.MAX_SAFE_INTEGER);
    expect(inline).toEqual([]);
    expect(later.map((p) => p.name)).toEqual(['big']);
  });

  it('writes a fileAttachment with contentId only when there is one', () => {
    expect(fileAttachmentJson(part('x.png', 3, { isInline: true, contentId: 'x@y', contentType: 'image/png' }))).toEqual({
      '@odata.type': '#microsoft.graph.fileAttachment',
      name: 'x.png',
      contentType: 'image/png',
      isInline: true,
      contentId: 'x@y',
      contentBytes: 'BwcH',
    });
    expect(fileAttachmentJson(part('y', 1))).not.toHaveProperty('contentId');
  });
});

describe('upload session ranges', () => {
  it('reads nextExpectedRanges in either casing', () => {
    expect(nextOffset({ nextExpectedRanges: ['2097152-'] })).toBe(2097152);
    expect(nextOffset({ NextExpectedRanges: ['4096'] })).toBe(4096);
    expect(nextOffset({ nextExpectedRanges: [] })).toBeNull();
    expect(nextOffset(undefined)).toBeNull();
  });

  it('writes an inclusive Content-Range', () => {
    expect(contentRange(0, 327680, 1000000)).toBe('bytes 0-327679/1000000');
  });
});

describe('resolveSettings', () => {
  it('defaults to beta, pages of 1000 and ranges under 4 MiB in 320 KiB steps', () => {
    const settings = resolveSettings({});
    expect(settings.api).toBe('beta');
    expect(settings.messagePageSize).toBe(1000);
    expect(settings.chunkBytes % (320 * 1024)).toBe(0);
    expect(settings.chunkBytes).toBeLessThan(4 * 1024 * 1024);
  });

  it('names a bad option', () => {
    expect(() => resolveSettings({ messagePageSize: 5000 })).toThrow(/messagePageSize/);
    expect(() => resolveSettings({ chunkBytes: 4 * 1024 * 1024 })).toThrow(/chunkBytes/);
  });
});

/** An upload host in a few lines: keeps the bytes it accepted, and can lose the answer to one PUT. */
class ScriptedUploadHost implements GraphRequester {
  readonly received: Buffer[] = [];
  readonly log: string[] = [];
  constructor(
    private readonly total: number,
    private readonly loseAnswerToPut: number,
  ) {}

  private get length(): number {
    return this.received.reduce((n, b) => n + b.length, 0);
  }

  request<T>(_mailbox: string, request: GraphRequest): Promise<GraphResponse<T>> {
    this.log.push(`${request.method} ${String(request.headers?.['Content-Range'] ?? '')} auth=${String(request.authenticate)}`);
    if (request.method === 'GET') return Promise.reject(new NoRetryError('GET not supported', 'MethodNotAllowed', 405));
    const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(request.headers?.['Content-Range'] ?? '');
    const start = Number(range?.[1]);
    if (start !== this.length) return Promise.reject(new NoRetryError('range not satisfiable', 'RequestedRangeNotSatisfiable', 416));
    this.received.push(Buffer.from(request.body as Buffer));
    if (this.log.filter((l) => l.startsWith('PUT')).length === this.loseAnswerToPut) {
      return Promise.reject(new RetryableError('connection reset', 'ECONNRESET'));
    }
    const done = this.length === this.total;
    return Promise.resolve({ status: done ? 201 : 200, headers: new Headers(), body: (done ? undefined : { nextExpectedRanges: [`${this.length}-`] }) as T });
  }
}

describe('uploadBySession', () => {
  const content = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));

  it('PUTs the ranges in order without authentication', async () => {
    const host = new ScriptedUploadHost(content.length, 0);
    await uploadBySession(host, 'ann', 'https://upload.example/s?authtoken=x', content, { chunkBytes: 300, attemptsPerRange: 3 });
    expect(host.log).toEqual([
      'PUT bytes 0-299/1000 auth=false',
      'PUT bytes 300-599/1000 auth=false',
      'PUT bytes 600-899/1000 auth=false',
      'PUT bytes 900-999/1000 auth=false',
    ]);
    expect(Buffer.concat(host.received).equals(content)).toBe(true);
  });

  it('moves on when a range whose answer was lost turns out to have landed', async () => {
    const host = new ScriptedUploadHost(content.length, 2);
    await uploadBySession(host, 'ann', 'https://upload.example/s', content, { chunkBytes: 300, attemptsPerRange: 3 });
    expect(Buffer.concat(host.received).equals(content)).toBe(true);
    expect(host.log.filter((l) => l.includes('300-599'))).toHaveLength(2);
  });

  it('gives up after attemptsPerRange failures of one range', async () => {
    const host = new ScriptedUploadHost(content.length, 1);
    await expect(
      uploadBySession(host, 'ann', 'https://upload.example/s', content, { chunkBytes: 300, attemptsPerRange: 1 }),
    ).rejects.toThrow('connection reset');
  });
});
