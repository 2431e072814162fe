import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mailboxFor, readMapFile, type MapRule } from '../../src/run/mailbox-map.js';

const rules = (zip: string): MapRule[] => [{ zip, mailbox: 'ann@contoso.com', row: 2 }];

describe('a map row and a zip argument that name one file', () => {
  it('match whatever the spelling of the path', () => {
    expect(mailboxFor('zips/ann.zip', rules('./zips/ann.zip'))).toBe('ann@contoso.com');
    expect(mailboxFor('./zips/ann.zip', rules('zips//ann.zip'))).toBe('ann@contoso.com');
    expect(mailboxFor(resolve('zips/ann.zip'), rules('zips/ann.zip'))).toBe('ann@contoso.com');
    expect(mailboxFor('zips/ann.zip', rules(resolve('zips/ann.zip')))).toBe('ann@contoso.com');
  });

  it('match through a glob spelt with ./ or as an absolute path', () => {
    expect(mailboxFor('zips/ann-1.zip', rules('./zips/ann-*.zip'))).toBe('ann@contoso.com');
    expect(mailboxFor(resolve('zips/ann-1.zip'), rules('zips/ann-*.zip'))).toBe('ann@contoso.com');
  });

  it('do not match another file of the same folder, or one of the same name elsewhere by its path', () => {
    expect(mailboxFor('zips/bob.zip', rules('./zips/ann.zip'))).toBeNull();
    expect(mailboxFor('other/ann.zip', rules('./zips/ann.zip'))).toBeNull();
  });

  it('leave s3:// URIs to be matched as written', () => {
    expect(mailboxFor('s3://b/zips/ann.zip', rules('s3://b/zips/ann.zip'))).toBe('ann@contoso.com');
    expect(mailboxFor('s3://b/zips/ann.zip', rules('s3://b/zips/./ann.zip'))).toBeNull();
  });
});

describe('a map row mailbox', () => {
  const mapOf = (mailbox: string): string => {
    const path = join(mkdtempSync(join(tmpdir(), 'map-')), 'map.csv');
    writeFileSync(path, `zip,mailbox\nann.zip,"${mailbox}"\n`);
    return path;
  };

  it('is held to the rule --mailbox is held to', () => {
    for (const typo of ['ann@', '@contoso.com', 'ann@contoso.com; bob@contoso.com', 'ann@@contoso.com', 'ann smith@contoso.com']) {
      expect(() => readMapFile(mapOf(typo)), typo).toThrow(/row 2: .* does not look like a mailbox/);
    }
    expect(readMapFile(mapOf(' Ann@Contoso.com '))[0]?.mailbox).toBe('ann@contoso.com');
  });
});
