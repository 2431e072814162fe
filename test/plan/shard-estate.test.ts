/**
 * Shards that did not all see the same estate: a zip still being copied when one shard sized it, a shard
 * that never wrote a report, a zip re-exported with another size between shard runs. Each computed its own
 * assignment, so mailboxes could be in two shards or in none; the shard run and `report merge` must say so.
 * Dry runs: they take their shard and write their report exactly as the import does.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { message, writeZip } from '../helpers/make-zip.js';
import { runCli } from '../helpers/run-cli.js';

// Byte-balanced over 3 shards: 1 = ann; 2 = bob, eve; 3 = cy, dee, fay.
const SIZES: Record<string, number> = { ann: 40, bob: 30, cy: 22, dee: 15, eve: 10, fay: 5 };
const upn = (name: string): string => `${name}@contoso.com`;

let work: string;
let map: string;
const glob = (): string => join(work, 'ex', '*.zip');

async function zipOf(name: string, count: number): Promise<void> {
  await writeZip(
    join(work, 'ex', `${name}.zip`),
    Array.from({ length: count }, (_, i) => ({ name: `Inbox/${i}.eml`, content: message({ subject: `${name} ${i}`, messageId: `<${name}-${i}@x>`, body: `body ${i} `.repeat(40) }) })),
  );
}

beforeEach(async () => {
  work = mkdtempSync(join(tmpdir(), 'eml-import-shard-estate-'));
  mkdirSync(join(work, 'ex'));
  for (const [name, count] of Object.entries(SIZES)) await zipOf(name, count);
  map = join(work, 'ex', 'map.csv');
  writeFileSync(map, `zip,mailbox\n${Object.keys(SIZES).map((n) => `${n}.zip,${upn(n)}`).join('\n')}\n`);
});

const shard = (i: number, n = 3) => runCli([glob(), '--map', map, '--dry-run', '--shard', `${i}/${n}`, '--report', join(work, `shard-${i}`), '--no-progress']);
const merge = (shards: number[]) => runCli(['report', 'merge', ...shards.map((i) => join(work, `shard-${i}`)), '--out', join(work, 'estate')]);

describe('shards that did not see the same estate', () => {
  it('stops a shard that cannot size every zip, before anything is written', async () => {
    const bob = join(work, 'ex', 'bob.zip');
    writeFileSync(bob, readFileSync(bob).subarray(0, 5000)); // still being copied
    const run = await shard(2);
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr).toContain('bob.zip');
    expect(run.stderr).toContain('the shard assignment needs every zip');
    expect(existsSync(join(work, 'shard-2'))).toBe(false);
  });

  it('refuses to merge when a shard has no report', async () => {
    for (const i of [1, 2]) expect((await shard(i)).status).toBe(0);
    const merged = await merge([1, 2]);
    expect(merged.status, merged.stdout).toBe(2);
    expect(merged.stderr).toContain('no report for shard 3/3');
    expect(merged.stderr).toContain(upn('fay'));
    expect(existsSync(join(work, 'estate'))).toBe(false);
  });

  it('names the mailbox no shard took when a zip changed size between shard runs', async () => {
    for (const i of [1, 2]) expect((await shard(i)).status).toBe(0);
    await zipOf('cy', 27); // re-exported: mail kept arriving in WorkMail; fay moves from shard 3 to shard 2
    const third = await shard(3);
    expect(third.status, third.stderr).toBe(0);
    const merged = await merge([1, 2, 3]);
    expect(merged.status, merged.stdout).toBe(2);
    expect(merged.stderr).toContain('different assignments');
    expect(merged.stderr).toContain(upn('fay'));
  });

  it('merges the shards of one estate as before', async () => {
    for (const i of [1, 2, 3]) expect((await shard(i)).status).toBe(0);
    const merged = await merge([1, 2, 3]);
    expect(merged.status, merged.stderr).toBe(0);
    expect(merged.stdout).toContain('6 zips');
    // The estate report is not itself a shard's.
    expect(JSON.parse(readFileSync(join(work, 'estate', 'report.json'), 'utf8'))).not.toHaveProperty('shard');
  });

  it('takes a shard count far above the mailbox count without building the empty shards', async () => {
    const run = await runCli([glob(), '--map', map, '--dry-run', '--shard', '7/99999999999', '--no-progress']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain('0 mailboxes of 6');
  });
});
