import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';

/**
 * Writes through a temp file and a rename, so a report file is never seen half-written. `content` may
 * come in chunks, so that a large file is never one string.
 */
export async function writeAtomically(path: string, content: string | Iterable<string>): Promise<void> {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const file = await open(temp, 'w');
    try {
      for (const chunk of typeof content === 'string' ? [content] : content) await file.write(chunk, null, 'utf8');
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
