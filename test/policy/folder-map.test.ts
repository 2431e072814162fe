import { describe, expect, it } from 'vitest';
import { mapFolder } from '../../src/policy/folder-map.js';

const dated = { date: new Date('2020-06-01T00:00:00Z') };
const undated = { date: null };
const cutoff = new Date('2024-01-01T00:00:00Z');

describe('mapFolder: well-known folders', () => {
  it.each([
    ['Inbox', 'inbox'],
    ['INBOX', 'inbox'],
    ['Sent Items', 'sentitems'],
    ['Sent', 'sentitems'],
    ['Sent Messages', 'sentitems'],
    ['Deleted Items', 'deleteditems'],
    ['Trash', 'deleteditems'],
    ['Deleted Messages', 'deleteditems'],
    ['Drafts', 'drafts'],
    ['Outbox', 'outbox'],
    ['Archive', 'archive'],
    ['Junk E-mail', 'junkemail'],
    ['junk email', 'junkemail'],
    ['Spam', 'junkemail'],
  ])('%s -> %s', (source, wellKnown) => {
    expect(mapFolder([source], dated, {})).toEqual({ segments: [wellKnown], wellKnown: true });
  });

  it('keeps sub-folder names under the mapped parent', () => {
    expect(mapFolder(['Inbox', 'Projects', 'Ä/B'], dated, {})).toEqual({ segments: ['inbox', 'Projects', 'Ä/B'], wellKnown: true });
  });

  it('creates other top-level folders under the mailbox root', () => {
    expect(mapFolder(['Kunden', 'Inbox'], dated, {})).toEqual({ segments: ['Kunden', 'Inbox'], wellKnown: false });
  });

  it('anchors a top-level folder named like a Graph well-known folder at the mailbox root, not at that folder', () => {
    // Without the anchor the destination read 'DeletedItems' as Deleted Items and 'msgfolderroot' as the hidden root.
    expect(mapFolder(['DeletedItems', 'Old'], dated, {})).toEqual({ segments: ['msgfolderroot', 'DeletedItems', 'Old'], wellKnown: false });
    expect(mapFolder(['JunkEmail'], dated, {})).toEqual({ segments: ['msgfolderroot', 'JunkEmail'], wellKnown: false });
    expect(mapFolder(['msgfolderroot'], dated, {})).toEqual({ segments: ['msgfolderroot', 'msgfolderroot'], wellKnown: false });
    expect(mapFolder(['Kunden'], dated, { into: 'SentItems' })).toEqual({ segments: ['msgfolderroot', 'SentItems', 'Kunden'], wellKnown: false });
  });

  it("names a top-level folder that Exchange's non-mail folders hold apart, so it can be created", () => {
    // Calendar, Contacts, Journal, Notes and Tasks sit under the root, unlisted by mailFolders, and hold their names.
    expect(mapFolder(['Notes'], dated, {})).toEqual({ segments: ['Notes (mail)'], wellKnown: false });
    expect(mapFolder(['tasks', '2019'], dated, {})).toEqual({ segments: ['tasks (mail)', '2019'], wellKnown: false });
    expect(mapFolder(['Inbox', 'Notes'], dated, {})).toEqual({ segments: ['inbox', 'Notes'], wellKnown: true });
    expect(mapFolder(['Notes'], dated, { into: 'WorkMail' })).toEqual({ segments: ['WorkMail', 'Notes'], wellKnown: false });
  });

  it('names a folder whose name is blank, which could never be created', () => {
    expect(mapFolder(['   '], dated, {})).toEqual({ segments: ['(no name)'], wellKnown: false });
    expect(mapFolder(['Inbox', ' ', 'x'], dated, {})).toEqual({ segments: ['inbox', '(no name)', 'x'], wellKnown: true });
  });

  it('puts messages without a source folder in the Inbox', () => {
    expect(mapFolder([], dated, {})).toMatchObject({ segments: ['inbox'], wellKnown: true, reason: 'no source folder' });
  });
});

describe('mapFolder: --into', () => {
  it('keeps the source path with source names under the one folder', () => {
    expect(mapFolder(['Inbox', 'x'], dated, { into: 'WorkMail import' })).toEqual({
      segments: ['WorkMail import', 'Inbox', 'x'],
      wellKnown: false,
    });
  });

  it('routes old mail to Archive inside it with --archive-before', () => {
    expect(mapFolder(['Inbox'], dated, { into: 'W', archiveBefore: cutoff })).toEqual({
      segments: ['W', 'Archive', 'Inbox'],
      wellKnown: false,
      reason: 'archive-before',
    });
  });
});

describe('mapFolder: --archive-before', () => {
  it('sends older mail to archive keeping its source path', () => {
    expect(mapFolder(['Inbox', 'Projects', 'x'], dated, { archiveBefore: cutoff })).toEqual({
      segments: ['archive', 'Inbox', 'Projects', 'x'],
      wellKnown: true,
      reason: 'archive-before',
    });
    expect(mapFolder(['Kunden'], dated, { archiveBefore: cutoff }).segments).toEqual(['archive', 'Kunden']);
  });

  it('does not double an Archive source path', () => {
    expect(mapFolder(['Archive', '2019'], dated, { archiveBefore: cutoff }).segments).toEqual(['archive', '2019']);
  });

  it('leaves newer, exactly-at-cutoff and undated mail where it is', () => {
    expect(mapFolder(['Inbox'], { date: new Date('2024-06-01Z') }, { archiveBefore: cutoff }).segments).toEqual(['inbox']);
    expect(mapFolder(['Inbox'], { date: cutoff }, { archiveBefore: cutoff }).segments).toEqual(['inbox']);
    expect(mapFolder(['Inbox'], undated, { archiveBefore: cutoff }).segments).toEqual(['inbox']);
  });

  it.each([['Deleted Items'], ['Drafts'], ['Outbox'], ['Junk']])('never archives %s', (source) => {
    expect(mapFolder([source], dated, { archiveBefore: cutoff }).reason).toBeUndefined();
  });
});
