/** openExport: random access to an export's entries by name, for the import stage's uploads. */
import type { CentralEntry } from './central-directory.js';
import { walkCentralDirectory } from './central-directory.js';
import { readWholeBuffered, refuseEntry } from './entry-data.js';
import { openZipFile } from './zip-file.js';

export interface ExportReader {
  /**
   * The whole entry, inflated, with its size and CRC-32 checked. `entryIndex` (SourceEntry.entryIndex)
   * picks one of several entries with the same name; without it the first is read. Throws an Error
   * naming the zip and the entry on any failure.
   */
  readWhole(entryName: string, entryIndex?: number): Promise<Buffer>;
  close(): Promise<void>;
}

/**
 * Opens an export for reading entries by name. Walks the central directory once and keeps a small record
 * per entry (memory grows with the entry count, about 200 bytes each, never with the archive size).
 * Reads may run concurrently.
 */
export async function openExport(zipPath: string): Promise<ExportReader> {
  const byName = new Map<string, CentralEntry[]>();
  try {
    for await (const entry of walkCentralDirectory(zipPath)) {
      const same = byName.get(entry.name);
      if (same) same.push(entry);
      else byName.set(entry.name, [entry]);
    }
  } catch (error) {
    throw new Error(`${zipPath}: cannot read the central directory: ${(error as Error).message}`, { cause: error });
  }
  const zip = await openZipFile(zipPath, { blocking: false });
  let closed = false;

  return {
    async readWhole(entryName: string, entryIndex?: number): Promise<Buffer> {
      if (closed) throw new Error(`${zipPath}: ${entryName}: the reader is closed`);
      const candidates = byName.get(entryName) ?? [];
      const entry = entryIndex === undefined ? candidates[0] : candidates.find((c) => c.index === entryIndex);
      if (entry === undefined) throw new Error(`${zipPath}: ${entryName}: no such entry`);
      const refusal = refuseEntry(entry);
      if (refusal !== undefined) throw new Error(`${zipPath}: ${entryName}: ${refusal}`);
      try {
        return await readWholeBuffered(zip, entry);
      } catch (error) {
        throw new Error(`${zipPath}: ${entryName}: ${(error as Error).message}`, { cause: error });
      }
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await zip.close();
    },
  };
}
