/**
 * How the shared corpus (../shared/corpus, or EML_IMPORT_CORPUS) is dated: messages per date source, header
 * defects, and whether eml-import's reading agrees with the emulator's independent one (test/emulator/
 * sent-date.ts) for every message dated by its Date header.
 *
 *   npx tsx scripts/corpus-dates.ts [--save before.json] [--compare before.json]
 *
 * --save writes each message's date and date source; --compare reads such a file (for example written with
 * an older checkout) and counts the messages whose date or date source changed, listing the first few.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { summarizeMessage } from '../src/message/summarize.js';
import { corpusPresent, CORPUS, loadCorpus } from '../test/corpus/corpus.js';
import { dateField, sentSeconds } from '../test/emulator/sent-date.js';

type Dated = Record<string, { date: string | null; source: string }>;

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
}

if (!corpusPresent) {
  console.error(`no corpus at ${CORPUS} (set EML_IMPORT_CORPUS)`);
  process.exit(2);
}
const dated: Dated = {};
const sources = new Map<string, number>();
let defects = 0;
let disagreements = 0;
for (const m of loadCorpus()) {
  const s = summarizeMessage(m.bytes);
  dated[m.name] = { date: s.date?.toISOString() ?? null, source: s.dateSource };
  sources.set(s.dateSource, (sources.get(s.dateSource) ?? 0) + 1);
  if (s.headerDefects > 0) defects += 1;
  if (s.dateSource === 'date' || s.dateSource === 'date-assumed-zone') {
    const head = m.bytes.subarray(0, Math.max(0, m.bytes.indexOf('\n\n') === -1 ? m.bytes.length : m.bytes.indexOf('\n\n')));
    const raw = dateField(head.toString('latin1'));
    const server = raw === undefined ? null : sentSeconds(raw);
    if (server === null || server * 1000 !== Math.floor(s.date!.getTime() / 1000) * 1000) {
      disagreements += 1;
      if (disagreements <= 10) console.log(`disagree: ${m.name}: ${JSON.stringify(raw)} eml-import ${s.date?.toISOString()} emulator ${server === null ? 'none' : new Date(server * 1000).toISOString()}`);
    }
  }
}
console.log(`${Object.keys(dated).length} messages; by date source: ${JSON.stringify(Object.fromEntries(sources))}; ${defects} with header defects; ${disagreements} dated differently by the emulator`);

const save = option('--save');
if (save !== undefined) writeFileSync(save, JSON.stringify(dated, null, 1));
const compare = option('--compare');
if (compare !== undefined) {
  const before = JSON.parse(readFileSync(compare, 'utf8')) as Dated;
  let dateChanged = 0;
  let sourceChanged = 0;
  const transitions = new Map<string, number>();
  for (const [name, now] of Object.entries(dated)) {
    const then = before[name];
    if (then === undefined) continue;
    if (then.date !== now.date) {
      dateChanged += 1;
      if (dateChanged <= 15) console.log(`date changed: ${name}: ${then.date} (${then.source}) -> ${now.date} (${now.source})`);
    }
    if (then.source !== now.source) {
      sourceChanged += 1;
      const key = `${then.source} -> ${now.source}`;
      transitions.set(key, (transitions.get(key) ?? 0) + 1);
    }
  }
  console.log(`${dateChanged} messages changed date, ${sourceChanged} changed date source: ${JSON.stringify(Object.fromEntries(transitions))}`);
}
