import { describe, expect, it } from 'vitest';
import { splitAttachments, fileAttachmentJson } from '../../src/destination/graph/attachments.js';
import { MAX_REQUEST_BYTES, SMALL_ATTACHMENT_MAX_BYTES } from '../../src/destination/graph/limits.js';
import type { AttachmentPart } from '../../src/destination/graph/mime-to-json.js';
import { resolveSettings } from '../../src/destination/graph/settings.js';
import { fitsImportMime, importMimeBodyBytes } from '../../src/destination/graph/upload-import-mime.js';
import { contentRange, nextOffset } from '../../src/destination/graph/upload-session.js';

function part(name: string, bytes: number, extra: Partial<AttachmentPart> = {}): AttachmentPart {
  return { name, contentType: 'application/octet-stream', isInline: false, contentId: null, content: Buffer.alloc(bytes, 7), ...extra };
}

describe('importMime sizing', () => {
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
