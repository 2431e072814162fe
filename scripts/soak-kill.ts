/**
 * `npm run soak:kill -- --seeds 1,2,3 --kills 20`: the corpus kill soak over many seeds (the CI test runs
 * one). Per seed: the corpus zipped as an export, imported into the Graph emulator with every fault kind
 * on, the CLI SIGKILLed at --kills random moments and restarted at once each time, then run to the end;
 * then every wanted message must be in its folder exactly once, none a draft, nothing else.
 * Options: --seeds (default 1,2,3), --kills (default 20), --landing-window seconds (default 20),
 * --max-kill-delay seconds after a run starts uploading (default 6), --keep (keep the work folders),
 * --verbose (a line per kill). Exit 1 when any seed breaks exactly-once.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildZip } from '../fixtures/zip-writer.js';
import { CORPUS, corpusExportEntries, corpusPresent } from '../test/corpus/corpus.js';
import { runKillSoak, SLOWEST_RESPONSE_MS, type KillSoakResult } from '../test/helpers/kill-soak.js';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '1,2,3' },
    kills: { type: 'string', default: '20' },
    'landing-window': { type: 'string', default: '20' },
    'max-kill-delay': { type: 'string', default: '6' },
    keep: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
  },
});
const seeds = values.seeds.split(',').map((s) => Number(s.trim()));
const kills = Number(values.kills);
const landingWindowSeconds = Number(values['landing-window']);
const maxKillDelayMs = Number(values['max-kill-delay']) * 1000;
if (seeds.some((s) => !Number.isInteger(s)) || !Number.isInteger(kills) || kills < 0 || !(landingWindowSeconds > 0) || !(maxKillDelayMs >= 0)) {
  console.error('usage: npm run soak:kill -- [--seeds 1,2,3] [--kills 20] [--landing-window 20] [--max-kill-delay 6] [--keep] [--verbose]');
  process.exit(2);
}
if (!corpusPresent) {
  console.error(`no corpus at ${CORPUS} (set EML_IMPORT_CORPUS): nothing to soak`);
  process.exit(2);
}
if (landingWindowSeconds * 1000 <= SLOWEST_RESPONSE_MS) {
  console.error(`warning: a landing window of ${landingWindowSeconds} s is not longer than the emulator's slowest response (${SLOWEST_RESPONSE_MS} ms): duplicates are expected`);
}

const work = mkdtempSync(join(tmpdir(), 'eml-import-soak-'));
const entries = corpusExportEntries();
const zipPath = join(work, 'corpus.zip');
writeFileSync(zipPath, buildZip([...entries].map(([name, data]) => ({ name, data }))));
console.log(`corpus: ${entries.size} entries, zip ${zipPath}; ${kills} kills per seed, landing window ${landingWindowSeconds} s`);

const results: KillSoakResult[] = [];
for (const seed of seeds) {
  const result = await runKillSoak({
    seed,
    kills,
    work: join(work, `seed-${seed}`),
    zipPath,
    entries,
    landingWindowSeconds,
    maxKillDelayMs,
    log: values.verbose ? (line) => console.log(line) : undefined,
  });
  results.push(result);
  console.log(JSON.stringify({ seed, faults: result.faults }));
  for (const [label, list] of [['refused', result.refused], ['duplicate', result.duplicates], ['missing', result.missing], ['extra', result.extra], ['not delivered', result.notDelivered], ['verdict', result.verdictDifferences]] as const) {
    for (const line of list.slice(0, 20)) console.log(`  seed ${seed} ${label}: ${line}`);
  }
}

const columns: Array<[string, (r: KillSoakResult) => string | number]> = [
  ['seed', (r) => r.seed],
  ['kills', (r) => r.kills],
  ['mid-upload', (r) => r.killsMidUpload],
  ['slow in flight', (r) => r.killsWithSlowCreate],
  ['wanted', (r) => r.wanted],
  ['present', (r) => r.present],
  ['refused', (r) => r.refused.length],
  ['duplicates', (r) => r.duplicates.length],
  ['missing', (r) => r.missing.length],
  ['extra', (r) => r.extra.length],
  ['drafts', (r) => r.drafts],
  ['recovered', (r) => r.recovered],
  ['re-sent', (r) => r.resent],
  ['landed after kill', (r) => r.landedAfterKill],
  ['final exit', (r) => String(r.finalStatus)],
  ['seconds', (r) => Math.round(r.elapsedMs / 1000)],
];
const table = [columns.map(([h]) => h), ...results.map((r) => columns.map(([, f]) => String(f(r))))];
const widths = columns.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
for (const row of table) console.log(row.map((cell, i) => cell.padStart(widths[i]!)).join('  '));

if (!values.keep) rmSync(work, { recursive: true, force: true });
else console.log(`work folders kept in ${work}`);
const broken = results.filter((r) => r.duplicates.length + r.missing.length + r.extra.length + r.drafts + r.notDelivered.length > 0 || r.finalStatus !== (r.refused.length > 0 || r.dryRunStatus === 1 ? 1 : 0));
process.exit(broken.length > 0 ? 1 : 0);
