import { describe, expect, it } from 'vitest';
import { zipLabels } from '../../src/reports/zip-labels.js';

describe('zipLabels', () => {
  it('names a zip by its file name when no other zip of the run has it', () => {
    expect(Object.fromEntries(zipLabels(['/exports/ann.zip', '/exports/bob.zip']))).toEqual({ '/exports/ann.zip': 'ann.zip', '/exports/bob.zip': 'bob.zip' });
  });

  it('adds parent folders, as few as tell the zips apart, when file names repeat', () => {
    const labels = zipLabels(['/s3/2026/ann/export.zip', '/s3/2026/bob/export.zip', '/s3/2027/bob/export.zip', '/s3/carol.zip']);
    expect(Object.fromEntries(labels)).toEqual({
      '/s3/2026/ann/export.zip': 'ann/export.zip',
      '/s3/2026/bob/export.zip': '2026/bob/export.zip',
      '/s3/2027/bob/export.zip': '2027/bob/export.zip',
      '/s3/carol.zip': 'carol.zip',
    });
  });

  it('gives every path its own label, even paths that end alike to the root', () => {
    const paths = ['/a/x.zip', '/b/a/x.zip', 'a/x.zip'];
    const labels = zipLabels(paths);
    expect(new Set(paths.map((p) => labels.get(p))).size).toBe(paths.length);
  });
});
