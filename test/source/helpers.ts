/** Shared by the source tests: the fixture manifest, and collecting a scan. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yazl from 'yazl';
import type { ScanItem, ScanOptions } from '../../src/source/index.js';
import { scanExport } from '../../src/source/index.js';

export const FIXTURES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures');

export interface ExpectedEntry {
  entry: string;
  folder: string;
  folderSegments: string[];
  kind: string | null;
  verdict: string;
  headersOnly?: { kind: string; verdict: string };
  errorIncludes?: string;
  size: number;
}

export interface ExpectedZip {
  archiveError: string | null;
  sharedRoot?: string | null;
  exportLogs?: Array<{ entry: string; note: string }>;
  entries: ExpectedEntry[];
}

export const manifest = JSON.parse(readFileSync(join(FIXTURES_DIR, 'expected.json'), 'utf8')) as {
  zips: Record<string, ExpectedZip>;
};

export async function collect(zipPath: string, options: ScanOptions): Promise<ScanItem[]> {
  const items: ScanItem[] = [];
  for await (const item of scanExport(zipPath, options)) items.push(item);
  return items;
}

export type EntryItem = Extract<ScanItem, { type: 'entry' }>;

export function entriesOf(items: readonly ScanItem[]): EntryItem[] {
  return items.filter((item): item is EntryItem => item.type === 'entry');
}

/** Writes a zip with yazl from name -> bytes pairs. */
export function writeYazlZip(path: string, files: Iterable<[string, Buffer]>, options: { compress: boolean; zip64?: boolean }): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const [name, data] of files) {
    zip.addBuffer(data, name, { compress: options.compress, mtime: new Date(Date.UTC(2024, 0, 1)), forceZip64Format: options.zip64 ?? false });
  }
  zip.end();
  return new Promise((resolve, reject) => {
    // Imported lazily so the helper has no top-level side effects.
    void import('node:fs').then(({ createWriteStream }) => {
      const out = createWriteStream(path);
      zip.outputStream.pipe(out).on('finish', resolve).on('error', reject);
    });
  });
}
