import { describe, expect, it } from 'vitest';
import { compareFolderPaths, compareFolderSegments, encodeTarget, folderDisplayName } from '../../src/policy/target.js';

describe('folder order', () => {
  it('puts a parent before its children, whatever the characters after it', () => {
    // '/' and ',' sort before letters and ']' after: comparing joined paths or JSON keys got this wrong.
    expect(['Inbox/Projects', 'Inbox', 'Inbox Archive', 'Inbox-old'].sort(compareFolderPaths)).toEqual(['Inbox', 'Inbox/Projects', 'Inbox Archive', 'Inbox-old']);
    expect([['inbox', 'Projects'], ['inbox']].sort(compareFolderSegments)).toEqual([['inbox'], ['inbox', 'Projects']]);
  });

  it('lists the top level first, then Inbox, then the rest by name regardless of case', () => {
    expect(['sent items', 'Archive', '03_März', 'inbox/a', 'Inbox', ''].sort(compareFolderPaths)).toEqual(['', 'Inbox', 'inbox/a', '03_März', 'Archive', 'sent items']);
  });

  it('names well-known folders as Outlook shows them', () => {
    expect(folderDisplayName(encodeTarget(['sentitems']))).toBe('Sent Items');
    expect(folderDisplayName(encodeTarget(['inbox', 'Projects', 'Q3']))).toBe('Inbox/Projects/Q3');
    expect(folderDisplayName(encodeTarget(['WorkMail import', 'inbox']))).toBe('WorkMail import/inbox');
  });
});
