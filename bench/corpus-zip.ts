/**
 * Writes the shared corpus (test/corpus) as an export zip, the way the corpus tests zip it, for comparing
 * reports before and after a change (bench/same-results.sh).
 *
 *   node --import tsx bench/corpus-zip.ts OUT.zip
 */
import { writeFile } from 'node:fs/promises';
import { buildZip } from '../fixtures/zip-writer.js';
import { corpusPresent, loadCorpus } from '../test/corpus/corpus.js';

const out = process.argv[2];
if (out === undefined) throw new Error('usage: bench/corpus-zip.ts OUT.zip');
if (!corpusPresent) throw new Error('the shared corpus is not there (see test/corpus/corpus.ts)');
const entryName = (name: string): string => `export-job-1/${name.replace(/#(\d+)$/, '-$1.eml')}`;
await writeFile(out, buildZip(loadCorpus().map((m) => ({ name: entryName(m.name), data: m.bytes }))));
