/**
 * A state folder made with its parents. Node 20 reports a parent on a read-only disk (or one this user
 * may not write) as ENOENT when it makes folders recursively, so an admin read "no such file or directory"
 * for a parent that exists. Then the first missing folder is made on its own, which fails with the true
 * cause (EROFS, EACCES), and that error is thrown instead.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export function makeFolder(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    let missing = dir;
    while (!existsSync(dirname(missing)) && dirname(missing) !== missing) missing = dirname(missing);
    mkdirSync(missing);
    throw error;
  }
}
