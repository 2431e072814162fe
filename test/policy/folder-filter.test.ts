import { describe, expect, it } from 'vitest';
import { folderFilter } from '../../src/policy/folder-filter.js';

const path = (p: string): string[] => p.split('/');

describe('folderFilter', () => {
  it('includes everything without globs', () => {
    expect(folderFilter([], [])(path('Inbox/x'))).toBe(true);
    expect(folderFilter([], [])([])).toBe(true);
  });

  it('matches case-insensitively and selects the subtree', () => {
    const keep = folderFilter(['inbox'], []);
    expect(keep(path('Inbox'))).toBe(true);
    expect(keep(path('INBOX/Projects/x'))).toBe(true);
    expect(keep(path('Sent Items'))).toBe(false);
    expect(keep(path('Inbox2'))).toBe(false);
  });

  it('treats * and ? within one segment', () => {
    const keep = folderFilter(['Inbox/Pro*', 'Sent?'], []);
    expect(keep(path('Inbox/Projects'))).toBe(true);
    expect(keep(path('Inbox/Other'))).toBe(false);
    expect(keep(path('Sent1'))).toBe(true);
    expect(keep(path('Sent'))).toBe(false);
    expect(folderFilter(['*'], [])(path('Inbox/Projects'))).toBe(true);
  });

  it('treats ** as any number of segments, zero included', () => {
    const keep = folderFilter(['**/2019'], []);
    expect(keep(path('Archive/Old/2019'))).toBe(true);
    expect(keep(path('2019'))).toBe(true);
    expect(keep(path('Archive/2020'))).toBe(false);
  });

  it('lets excludes win over includes', () => {
    const keep = folderFilter(['Inbox'], ['Inbox/Private', 'Deleted Items']);
    expect(keep(path('Inbox/Work'))).toBe(true);
    expect(keep(path('Inbox/private/x'))).toBe(false);
    expect(folderFilter([], ['Deleted Items'])(path('Deleted Items/sub'))).toBe(false);
  });

  it('matches regex characters and non-ASCII names literally', () => {
    const keep = folderFilter(['Entwürfe (alt).[1]'], []);
    expect(keep(['Entwürfe (alt).[1]'])).toBe(true);
    expect(keep(['Entwürfe (alt)x[1]'])).toBe(false);
    expect(keep(['ENTWÜRFE (ALT).[1]'])).toBe(true);
  });
});
