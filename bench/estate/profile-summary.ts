/**
 * Where a `node --cpu-prof` profile's CPU went: self time by category (TLS, base64, JSON, Graph SDK,
 * ledger, zip reading, …) and the top functions. Categories are decided by each frame's own URL and
 * name, then a frame with none of its own is charged to the nearest categorised caller.
 *
 *   tsx bench/estate/profile-summary.ts <file.cpuprofile> [--top 25]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface Frame { functionName: string; url: string; lineNumber: number }
interface ProfileNode { id: number; callFrame: Frame; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

const CATEGORIES: ReadonlyArray<readonly [string, (f: Frame) => boolean]> = [
  ['idle', (f) => f.functionName === '(idle)'],
  ['gc', (f) => f.functionName === '(garbage collector)'],
  ['base64', (f) => /base64/i.test(f.functionName) || (/buffer/.test(f.url) && /toString|base64Slice/.test(f.functionName))],
  ['JSON', (f) => /^(parse|stringify)$/.test(f.functionName) && f.url === ''],
  ['TLS/crypto', (f) => /_tls_|tls_wrap|node:tls|crypto|TLSWrap|SecureContext/i.test(f.url + f.functionName)],
  ['HTTP (undici/fetch)', (f) => /undici|node:internal\/deps\/undici|fetch/i.test(f.url)],
  ['Graph SDK', (f) => /microsoft-graph-client/.test(f.url)],
  ['msal', (f) => /msal/.test(f.url)],
  ['ledger (SQLite)', (f) => /better-sqlite3|\/ledger\//.test(f.url)],
  ['zip read/inflate', (f) => /yauzl|zlib|\/source\//.test(f.url)],
  ['message parsing', (f) => /mailparser|libmime|iconv|\/message\//.test(f.url)],
  ['destination (ours)', (f) => /\/destination\//.test(f.url)],
  ['run (ours)', (f) => /\/run\//.test(f.url)],
  ['module loading', (f) => /node:internal\/modules|esm|loader/.test(f.url)],
];

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
const profile = JSON.parse(readFileSync(positionals[0] as string, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

function categoryOf(id: number): string {
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const frame = byId.get(at)?.callFrame;
    if (!frame) break;
    const hit = CATEGORIES.find(([, test]) => test(frame));
    if (hit) return hit[0];
  }
  const frame = byId.get(id)?.callFrame;
  return frame?.url === '' ? `native/(${frame.functionName || 'anonymous'})` : 'other';
}

const total = [...self.values()].reduce((a, b) => a + b, 0);
const busy = total - [...self].filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)').reduce((a, [, t]) => a + t, 0);
const categories = new Map<string, number>();
const functions = new Map<string, number>();
for (const [id, time] of self) {
  const c = categoryOf(id);
  categories.set(c, (categories.get(c) ?? 0) + time);
  const f = byId.get(id)?.callFrame as Frame;
  const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(src|dist)\//, '$1/')}:${f.lineNumber + 1}`;
  functions.set(key, (functions.get(key) ?? 0) + time);
}
console.log(`profile: ${(total / 1e6).toFixed(2)} s sampled, ${(busy / 1e6).toFixed(2)} s busy (not idle)`);
for (const [c, t] of [...categories].sort((a, b) => b[1] - a[1]).slice(0, 20)) {
  if (c === 'idle') continue;
  console.log(`  ${c.padEnd(28)} ${(t / 1e6).toFixed(2).padStart(7)} s  ${((100 * t) / busy).toFixed(1).padStart(5)}% of busy`);
}
console.log('top functions (self):');
for (const [f, t] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) {
  if (f.startsWith('(idle)')) continue;
  console.log(`  ${((100 * t) / busy).toFixed(1).padStart(5)}%  ${f}`);
}
