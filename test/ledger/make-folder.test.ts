/**
 * A state folder asked for on a read-only disk: the error names the cause (EROFS), not "no such file or
 * directory", which Node 20 reports for a recursive mkdir under a read-only parent. Needs a read-only
 * mount, which only a privileged process can make: skipped, with the reason, elsewhere.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeFolder } from '../../src/ledger/make-folder.js';

describe('makeFolder', () => {
  it('says a read-only disk is read-only', (context) => {
    const mountPoint = mkdtempSync(join(tmpdir(), 'eml-import-ro-'));
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', mountPoint], { timeout: 5000 });
    if (mounted.status !== 0) {
      rmSync(mountPoint, { recursive: true, force: true });
      context.skip('no read-only mount can be made here (needs root with CAP_SYS_ADMIN)');
      return;
    }
    try {
      expect(() => makeFolder(join(mountPoint, 'migration', 'state'))).toThrow(expect.objectContaining({ code: 'EROFS' }));
    } finally {
      spawnSync('umount', [mountPoint], { timeout: 5000 });
      rmSync(mountPoint, { recursive: true, force: true });
    }
  });

  it('makes a folder and its parents', () => {
    const base = mkdtempSync(join(tmpdir(), 'eml-import-mkdir-'));
    try {
      makeFolder(join(base, 'a', 'b', 'state'));
      expect(() => makeFolder(join(base, 'a', 'b', 'state'))).not.toThrow();
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
