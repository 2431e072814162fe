/**
 * Reconcile on the generated fixture exports (many charsets, modified UTF-7 and UTF-8 folder names, spam
 * by every rule, duplicates, an export log), two mailboxes through --map, checked against the manifest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { runCli } from '../helpers/run-cli.js';
import { tenantArgs, tenantEnv } from '../helpers/tenant.js';

const ANN = 'ann@contoso.onmicrosoft.com';
const BOB = 'bob@contoso.onmicrosoft.com';
const FIXTURES = resolve('fixtures');
const ZIPS = { [ANN]: join(FIXTURES, 'export-prefixed.zip'), [BOB]: join(FIXTURES, 'export-nested.zip') };

interface ManifestFolder {
  folder: string;
  messages: number;
  importable: number;
  spam: number;
  duplicates: number;
}
interface Manifest {
  zips: Record<string, { verify: { folders: ManifestFolder[] } }>;
}
interface ReconcileJson {
  complete: boolean;
  missing: Array<{ entry: string; ledgerState: string }>;
  importedButAltered: Array<{ source: { entry: string }; destination: { id: string } }> | null;
  unexpected: Array<{ id: string }>;
  totals: { expected: number; present: number; missing: number; unexpected: number; drafts: number; spam: number; duplicates: number; inExport: number };
  folders: Array<{ mailbox: string; sourceFolders: string[]; inExport: number; spam: number; duplicates: number; expected: number; present: number; missing: number }>;
}

const manifest = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as Manifest;
const foldersOf = (zip: string): ManifestFolder[] => manifest.zips[zip]?.verify.folders ?? [];
const sum = (folders: ManifestFolder[], f: (m: ManifestFolder) => number): number => folders.reduce((n, m) => n + f(m), 0);
const all = [...foldersOf('export-prefixed.zip'), ...foldersOf('export-nested.zip')];

let emulator: Emulator;
let work: string;
let map: string;
let state: string;
/** What the import says it achieved; messages it could not upload must come out as missing, no more. */
let importTotals: { imported: number; alreadyPresent: number; failed: number };

async function reconcile(stateDir: string): Promise<{ status: number; json: ReconcileJson }> {
  const args = tenantArgs(emulator, ANN).filter((a, i, list) => a !== '--mailbox' && list[i - 1] !== '--mailbox');
  const run = await runCli(['reconcile', ...Object.values(ZIPS), ...args, '--map', map, '--state', stateDir, '--json', '--no-progress'], tenantEnv(emulator));
  try {
    return { status: run.status, json: JSON.parse(run.stdout) as ReconcileJson };
  } catch {
    throw new Error(`reconcile printed no JSON (status ${run.status}): ${run.stderr}`);
  }
}

beforeAll(async () => {
  emulator = await startEmulator({ mailboxes: [ANN, BOB] });
  work = mkdtempSync(join(tmpdir(), 'eml-import-reconcile-fixtures-'));
  map = join(work, 'map.csv');
  writeFileSync(map, `zip,mailbox\nexport-prefixed.zip,${ANN}\nexport-nested.zip,${BOB}\n`);
  state = join(work, 'state');
  const args = tenantArgs(emulator, ANN).filter((a, i, list) => a !== '--mailbox' && list[i - 1] !== '--mailbox');
  const imported = await runCli([...Object.values(ZIPS), ...args, '--map', map, '--state', state, '--json', '--no-progress'], tenantEnv(emulator));
  if (imported.status !== 0 && imported.status !== 1) throw new Error(`import failed (${imported.status}): ${imported.stderr}`);
  importTotals = (JSON.parse(imported.stdout) as { totals: typeof importTotals }).totals;
});

afterAll(async () => {
  await emulator?.close();
});

describe('reconcile the fixture exports', () => {
  it('finds every imported message of the manifest in place, in both mailboxes, and names every one that is not', async () => {
    const { status, json } = await reconcile(state);
    const importable = sum(all, (m) => m.importable);
    expect(importable).toBeGreaterThan(40);
    expect(json.totals.expected).toBe(importable);
    expect(json.totals.present + json.totals.missing).toBe(importable);
    // Whatever the import could not do shows up, and nothing else: each missing message either failed to
    // upload, or went in and Exchange kept it with other headers (its copy is then the unexpected one).
    const altered = json.importedButAltered ?? [];
    expect(json.totals.missing).toBe(importTotals.failed + altered.length);
    expect(json.missing.filter((m) => m.ledgerState === 'failed')).toHaveLength(importTotals.failed);
    expect(json.unexpected.map((u) => u.id).sort()).toEqual(altered.map((a) => a.destination.id).sort());
    expect(json.totals.present).toBe(importTotals.imported + importTotals.alreadyPresent - altered.length);
    expect(json.totals).toMatchObject({ drafts: 0 });
    expect(status).toBe(json.totals.missing === 0 ? 0 : 1);
    expect(json.complete).toBe(json.totals.missing === 0);
    // Per source folder, as the manifest counts them (a folder of its own when it maps to one destination folder).
    for (const [mailbox, zip] of [[ANN, 'export-prefixed.zip'], [BOB, 'export-nested.zip']] as const) {
      for (const m of foldersOf(zip)) {
        const rows = json.folders.filter((f) => f.mailbox === mailbox && f.sourceFolders.includes(m.folder));
        expect(rows, `${mailbox} ${m.folder}`).toHaveLength(1);
        expect(rows[0], `${mailbox} ${m.folder}`).toMatchObject({ inExport: m.messages, spam: m.spam, duplicates: m.duplicates, expected: m.importable });
        expect((rows[0]?.present ?? 0) + (rows[0]?.missing ?? 0), `${mailbox} ${m.folder}`).toBe(m.importable);
      }
    }
  });

  it('gives the same totals and rows without the ledger', async () => {
    const withLedger = await reconcile(state);
    const fresh = await reconcile(join(work, 'elsewhere'));
    expect(fresh.status).toBe(withLedger.status);
    expect(fresh.json.totals).toEqual({ ...withLedger.json.totals, ledgerImportedButAbsent: null, importedButAltered: null });
    expect(fresh.json.folders.map((f) => [f.mailbox, f.sourceFolders, f.expected, f.present, f.missing])).toEqual(
      withLedger.json.folders.map((f) => [f.mailbox, f.sourceFolders, f.expected, f.present, f.missing]),
    );
  });
});
