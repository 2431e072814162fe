/** The shared real-world corpus (../shared/corpus from the project root), as the corpus tests read it. */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
// EML_IMPORT_CORPUS points the tests elsewhere (or at nothing, to see the skip)
export const CORPUS = process.env.EML_IMPORT_CORPUS ?? resolve(here, '..', '..', '..', 'shared', 'corpus');
export const corpusPresent = existsSync(CORPUS);

/** Bounds the work per file: the corpus is ~40 MB; anything larger is not what these tests are about. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

export interface CorpusMessage {
  /** The file's path below the corpus, with `#n` for the n-th message of an mbox. */
  readonly name: string;
  readonly folder: string[];
  readonly bytes: Buffer;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []));
}

/** mbox: messages start at lines beginning with "From " (the first one included). */
function splitMbox(bytes: Buffer): Buffer[] {
  const starts: number[] = [];
  const marker = Buffer.from('From ', 'latin1');
  for (let at = 0; at !== -1 && at < bytes.length; ) {
    if (bytes.subarray(at, at + marker.length).equals(marker)) starts.push(at);
    const nl = bytes.indexOf(0x0a, at);
    at = nl === -1 ? -1 : nl + 1;
  }
  if (starts[0] !== 0) starts.unshift(0);
  return starts.map((s, i) => bytes.subarray(s, starts[i + 1] ?? bytes.length)).filter((m) => m.length > 0);
}

/** Every message of the corpus, in a stable order; [] when the corpus is absent. */
export function loadCorpus(): CorpusMessage[] {
  if (!corpusPresent) return [];
  const messages: CorpusMessage[] = [];
  for (const file of listFiles(CORPUS)) {
    const rel = relative(CORPUS, file);
    const folder = dirname(rel).split(sep).filter((s) => s !== '.');
    if (!/\.(eml|mbox)$/i.test(file)) continue;
    const bytes = readFileSync(file);
    if (bytes.length > MAX_FILE_BYTES) continue;
    if (/\.mbox$/i.test(file)) splitMbox(bytes).forEach((m, i) => messages.push({ name: `${rel}#${i + 1}`, folder, bytes: m }));
    else messages.push({ name: rel, folder, bytes });
  }
  return messages;
}

/** The corpus as the entries of a WorkMail export zip, under an export-job root (as export-zip.test.ts zips it). */
export function corpusExportEntries(): Map<string, Buffer> {
  return new Map(loadCorpus().map((m) => [`export-job-1/${m.name.replace(/#(\d+)$/, '-$1.eml')}`, m.bytes]));
}
