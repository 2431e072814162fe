import { describe, expect, it } from 'vitest';
import { messageView } from './graph/message-view.js';
import type { StoredMessage } from './store.js';

/** The preview as Graph's is described: tags out, whitespace runs as one space, trimmed, 255 characters. */
function wholePreview(content: string): string {
  return content.replace(/<[^>]*>/g, '').replace(/\s+/g, ' ').trim().slice(0, 255);
}

function storedWith(content: string): StoredMessage {
  return { id: 'm1', changeKey: 'k', body: { contentType: 'html', content }, extendedProperties: [] } as unknown as StoredMessage;
}

describe('message view', () => {
  it("works bodyPreview out from a prefix of the body, as the whole body's would be", () => {
    // Random HTML-ish bodies up to some 100 KB: long style blocks, stray < and >, whitespace runs.
    let seed = 7;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const parts = ['<div class="a b">', '</div>', ' ', '\n\n  ', 'word', 'x'.repeat(50), '<p>', `<style>${'a{b:c} '.repeat(200)}</style>`, '<', '>', '&nbsp;', '\t'];
    let long = 0;
    for (let i = 0; i < 400; i++) {
      let content = '';
      const n = Math.floor(random() * 3000);
      for (let j = 0; j < n; j++) content += parts[Math.floor(random() * parts.length)];
      if (content.length > 4096) long += 1;
      expect(messageView(storedWith(content), { select: ['bodyPreview'] })['bodyPreview']).toBe(wholePreview(content));
    }
    expect(long).toBeGreaterThan(100);
  });

  it('does not end a prefix inside a tag: a tag longer than the first prefix is stripped whole', () => {
    const content = `<p title="${'x'.repeat(5000)}">after the long tag</p>`;
    expect(messageView(storedWith(content), { select: ['bodyPreview'] })['bodyPreview']).toBe('after the long tag');
  });

  it('gives only what $select asks for, with id and the etag', () => {
    expect(Object.keys(messageView(storedWith('<p>hi</p>'), { select: ['bodyPreview'] }))).toEqual(['@odata.etag', 'id', 'bodyPreview']);
  });
});
