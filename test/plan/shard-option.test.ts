import { describe, expect, it } from 'vitest';
import { parseShard } from '../../src/commands/shard-option.js';

describe('--shard', () => {
  it('takes i/n, 1-based', () => {
    expect(parseShard('2/8', {})).toMatchObject({ index: 2, count: 8 });
    expect(parseShard(undefined, {})).toBeUndefined();
    for (const bad of ['0/3', '4/3', '1/0', 'x', '1-3', '']) expect(() => parseShard(bad, {}), bad).toThrow(/--shard/);
  });

  it('reads a Kubernetes Indexed Job (0-based index, count from our variable)', () => {
    expect(parseShard('auto', { JOB_COMPLETION_INDEX: '0', EML_IMPORT_SHARD_COUNT: '3' })).toMatchObject({ index: 1, count: 3 });
    expect(parseShard('auto', { JOB_COMPLETION_INDEX: '2', EML_IMPORT_SHARD_COUNT: '3' })).toMatchObject({ index: 3, count: 3 });
    expect(() => parseShard('auto', { JOB_COMPLETION_INDEX: '0' })).toThrow(/EML_IMPORT_SHARD_COUNT/);
    expect(() => parseShard('auto', { JOB_COMPLETION_INDEX: '3', EML_IMPORT_SHARD_COUNT: '3' })).toThrow(/not between 1 and 3/);
    expect(() => parseShard('auto', { JOB_COMPLETION_INDEX: 'one', EML_IMPORT_SHARD_COUNT: '3' })).toThrow(/JOB_COMPLETION_INDEX/);
  });

  it('reads an AWS Batch array job', () => {
    expect(parseShard('auto', { AWS_BATCH_JOB_ARRAY_INDEX: '4', AWS_BATCH_JOB_ARRAY_SIZE: '5' })).toMatchObject({ index: 5, count: 5 });
    expect(() => parseShard('auto', { AWS_BATCH_JOB_ARRAY_INDEX: '4' })).toThrow(/AWS_BATCH_JOB_ARRAY_SIZE/);
  });

  it('refuses auto with no engine or with two', () => {
    expect(() => parseShard('auto', {})).toThrow(/no engine found/);
    expect(() => parseShard('auto', { JOB_COMPLETION_INDEX: '0', EML_IMPORT_SHARD_COUNT: '2', AWS_BATCH_JOB_ARRAY_INDEX: '0', AWS_BATCH_JOB_ARRAY_SIZE: '2' })).toThrow(/both/);
  });
});

describe('{shard} in paths and zip globs no shell expanded', () => {
  it('fills {shard} with the 1-based index, and refuses it without --shard', async () => {
    const { withShardPaths } = await import('../../src/commands/start-up.js');
    expect(withShardPaths({ state: '/state/shard-{shard}', report: '/r/{shard}/x' }, { index: 3, count: 8, from: 't' })).toEqual({ state: '/state/shard-3', report: '/r/3/x' });
    expect(withShardPaths({ state: './s', report: undefined }, undefined)).toEqual({ state: './s', report: undefined });
    expect(() => withShardPaths({ state: '/state/{shard}', report: undefined }, undefined)).toThrow(/needs --shard/);
  });

  it('expands * and ? in the file name, sorted; leaves URLs, folder globs and non-matches alone', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { expandZipArgs } = await import('../../src/commands/zip-args.js');
    const dir = mkdtempSync(join(tmpdir(), 'eml-import-glob-'));
    for (const name of ['b.zip', 'a.zip', 'a1.zip', 'notes.txt']) writeFileSync(join(dir, name), '');
    expect(expandZipArgs([join(dir, '*.zip')])).toEqual(['a.zip', 'a1.zip', 'b.zip'].map((n) => join(dir, n)));
    expect(expandZipArgs([join(dir, 'a?.zip'), join(dir, 'b.zip')])).toEqual([join(dir, 'a1.zip'), join(dir, 'b.zip')]);
    expect(expandZipArgs([join(dir, '*.rar'), 's3://bucket/*.zip', join(dir, '*', 'x.zip')])).toEqual([join(dir, '*.rar'), 's3://bucket/*.zip', join(dir, '*', 'x.zip')]);
  });
});
