import { describe, expect, it } from 'vitest';
import { NoRetryError } from '../../src/accounting/errors.js';
import { PromiseCache } from '../../src/destination/graph/folder-cache.js';
import { splitTarget } from '../../src/destination/graph/folders.js';
import { childPath, folderNameKey } from '../../src/destination/graph/folder-names.js';
import { wellKnownFolder } from '../../src/policy/well-known-folders.js';

describe('splitTarget', () => {
  it('anchors a leading well-known name, case-insensitively', () => {
    expect(splitTarget(['Inbox', 'Projects'])).toEqual({ anchor: 'inbox', rest: ['Projects'] });
    expect(splitTarget(['SENTITEMS'])).toEqual({ anchor: 'sentitems', rest: [] });
    expect(splitTarget(['msgfolderroot', 'Top'])).toEqual({ anchor: 'msgfolderroot', rest: ['Top'] });
  });

  it('puts any other first segment under the root and never splits a name on /', () => {
    expect(splitTarget(['Sent Items', 'a/b'])).toEqual({ anchor: 'msgfolderroot', rest: ['Sent Items', 'a/b'] });
  });

  it('rejects empty paths and blank names', () => {
    expect(() => splitTarget([])).toThrow(NoRetryError);
    expect(() => splitTarget(['inbox', ' '])).toThrow(NoRetryError);
  });
});

describe('folder names', () => {
  it('compares without regard to case, including non-ASCII', () => {
    expect(folderNameKey('ÄRGER')).toBe(folderNameKey('ärger'));
    expect(folderNameKey('Straße')).not.toBe(folderNameKey('Strasse'));
  });

  it('recognises only the well-known names', () => {
    expect(wellKnownFolder('JunkEmail')).toBe('junkemail');
    expect(wellKnownFolder('Junk E-mail')).toBeNull();
  });

  it('builds display paths from the root', () => {
    expect(childPath('', 'Inbox')).toBe('Inbox');
    expect(childPath('Inbox', 'a/b')).toBe('Inbox/a/b');
  });
});

describe('PromiseCache', () => {
  it('runs the work once for concurrent callers of the same key', async () => {
    const cache = new PromiseCache<number>();
    let runs = 0;
    const start = async (): Promise<number> => {
      runs += 1;
      await Promise.resolve();
      return 42;
    };
    const results = await Promise.all([cache.get('k', start), cache.get('k', start), cache.get('k', start)]);
    expect(results).toEqual([42, 42, 42]);
    expect(runs).toBe(1);
  });

  it('forgets a failure so the next caller tries again', async () => {
    const cache = new PromiseCache<string>();
    await expect(cache.get('k', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await Promise.resolve();
    expect(cache.peek('k')).toBeUndefined();
    await expect(cache.get('k', () => Promise.resolve('ok'))).resolves.toBe('ok');
  });
});
