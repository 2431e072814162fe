import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { buildZip } from '../../fixtures/zip-writer.js';
import { FIXTURES_DIR } from '../source/helpers.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { message, writeZip } from '../helpers/make-zip.js';
import { runCli } from '../helpers/run-cli.js';

let work: string;
let map: string;
const zips: string[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'eml-import-plan-'));
  const sizes = { ann: 30, bob: 10, cy: 3 };
  for (const [name, count] of Object.entries(sizes)) {
    zips.push(
      await writeZip(join(work, `${name}.zip`), [
        { name: 'export-log.json', content: '{"messages": 1}' },
        ...Array.from({ length: count }, (_, i) => ({ name: `Inbox/${i}.eml`, content: message({ subject: `${name} ${i}`, body: 'x'.repeat(1000) }) })),
      ]),
    );
  }
  map = join(work, 'map.csv');
  writeFileSync(map, 'zip,mailbox\nann.zip,ann@contoso.com\nbob.zip,bob@contoso.com\ncy.zip,cy@contoso.com\n');
});

describe('eml-import plan', () => {
  it('counts messages from the central directory and plans shards, as JSON', async () => {
    const run = await runCli(['plan', ...zips, '--map', map, '--machines', '2', '--parallel', '1', '--latency-ms', '400', '--json']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const plan = JSON.parse(run.stdout) as {
      assumptions: { latencyMs: number };
      totals: { messages: number; mailboxes: number };
      mailboxes: Array<{ mailbox: string; messages: number; seconds: number; binding: string }>;
      shards: Array<{ shard: number; mailboxes: string[]; seconds: number }>;
      seconds: number;
    };
    expect(plan.assumptions.latencyMs).toBe(400);
    expect(plan.totals).toMatchObject({ messages: 43, mailboxes: 3 });
    expect(plan.mailboxes.map((m) => [m.mailbox, m.messages, m.binding])).toEqual([
      ['ann@contoso.com', 30, 'in-flight latency'],
      ['bob@contoso.com', 10, 'in-flight latency'],
      ['cy@contoso.com', 3, 'in-flight latency'],
    ]);
    expect(plan.mailboxes[0]?.seconds).toBe(3); // 30 x 0.4 s / 4
    expect(plan.shards.map((s) => s.mailboxes)).toEqual([['ann@contoso.com'], ['bob@contoso.com', 'cy@contoso.com']]);
    expect(plan.shards[1]?.seconds).toBeCloseTo(1.3, 6); // one at a time: 1.0 + 0.3
    expect(plan.seconds).toBe(3);
  });

  it('prints the table with the assumptions and the binding limit', async () => {
    const run = await runCli(['plan', ...zips, '--map', map]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Assumes 300 ms per request');
    expect(run.stdout).toMatch(/ann@contoso\.com\s+1\s+30 .* in-flight latency/);
    expect(run.stdout).toContain('No schedule does better than');
  });

  it('names an unreadable zip, goes on, and exits 1; exits 2 on bad options', async () => {
    const bad = join(work, 'dee.zip');
    writeFileSync(bad, 'not a zip');
    const run = await runCli(['plan', ...zips, bad, '--mailbox', 'all@contoso.com']);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('dee.zip: central directory unreadable');
    expect(run.stdout).toContain('43 messages');
    expect((await runCli(['plan', ...zips, '--map', map, '--machines', '0'])).status).toBe(2);
    const unmapped = await runCli(['plan', ...zips, bad, '--map', map]);
    expect(unmapped.status).toBe(2);
    expect(unmapped.stderr).toContain('dee.zip');
  });

  it("puts the plan in the dry run's report.json", async () => {
    const run = await runCli([...zips, '--dry-run', '--map', map, '--parallel', '2', '--json', '--no-progress']);
    // Exit 1: the made-up export-log.json does not match what the zip holds, which the dry run reports.
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as { plan?: { parallel: number; machines: number; totals: { messages: number }; mailboxes: Array<{ mailbox: string }> } };
    expect(report.plan).toMatchObject({ parallel: 2, machines: 1, totals: { messages: 43 } });
    expect(report.plan?.mailboxes.map((m) => m.mailbox)).toEqual(['ann@contoso.com', 'bob@contoso.com', 'cy@contoso.com']);
  });

  it("has the dry run's plan, taken from the scan's rows, agree with the plan's own read of every fixture zip", async () => {
    // Odd names too: a folder entry, an upper-case .ICS and .JSON, and a second copy of a zip.
    const oddZip = buildZip(
      [
        { name: 'Inbox/', content: '' },
        { name: 'Inbox/a.eml', content: message({ subject: 'a', body: 'y'.repeat(5000) }) },
        { name: 'Calendar/Meeting.ICS', content: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n' },
        { name: 'LOG.JSON', content: '{}' },
        { name: 'Inbox/b.eml', content: message({ subject: 'b' }) },
      ].map(({ name, content }) => ({ name, data: Buffer.from(content) })),
    );
    const odd = join(work, 'odd.zip');
    const copy = join(work, 'odd-copy.zip');
    writeFileSync(odd, oddZip);
    writeFileSync(copy, oddZip);
    const all = [...readdirSync(FIXTURES_DIR).filter((f) => f.endsWith('.zip')).map((f) => join(FIXTURES_DIR, f)), odd, copy, ...zips];
    const everyZip = join(work, 'every-zip.csv');
    writeFileSync(everyZip, `zip,mailbox\n${all.map((z, i) => `${z},box${i}@contoso.com`).join('\n')}\n`);
    const planned = await runCli(['plan', ...all, '--map', everyZip, '--json']);
    const dryRun = await runCli([...all, '--dry-run', '--map', everyZip, '--json', '--no-progress']);
    expect(dryRun.status, dryRun.stderr).toBe(1);
    const fromPlan = JSON.parse(planned.stdout) as { mailboxes: unknown[]; problems: string[] };
    expect(fromPlan.problems.length).toBeGreaterThan(0); // the corrupt and truncated fixtures
    expect((JSON.parse(dryRun.stdout) as { plan: unknown }).plan).toEqual(fromPlan);
  });

  it('--shard takes whole mailboxes as the plan assigns them; auto reads the engine; mistakes exit 2', async () => {
    const shard = async (spec: string, env: Record<string, string> = {}) => {
      const run = await runCli([...zips, '--dry-run', '--map', map, '--shard', spec, '--json', '--no-progress'], env);
      const report = JSON.parse(run.stdout) as { zips: Array<{ mailbox: string }> };
      return { run, mailboxes: report.zips.map((z) => z.mailbox) };
    };
    const first = await shard('1/2');
    expect(first.mailboxes).toEqual(['ann@contoso.com']);
    expect(first.run.stderr).toContain('shard 1/2 (--shard 1/2): 1 mailbox of 3, 30 messages');
    expect((await shard('2/2')).mailboxes).toEqual(['bob@contoso.com', 'cy@contoso.com']);
    expect((await shard('auto', { JOB_COMPLETION_INDEX: '1', EML_IMPORT_SHARD_COUNT: '2' })).mailboxes).toEqual(['bob@contoso.com', 'cy@contoso.com']);
    expect((await shard('auto', { AWS_BATCH_JOB_ARRAY_INDEX: '0', AWS_BATCH_JOB_ARRAY_SIZE: '2' })).mailboxes).toEqual(['ann@contoso.com']);
    const state = join(work, 'never-written');
    const missing = await runCli([...zips, '--dry-run', '--map', map, '--shard', 'auto', '--state', state, '--report', join(work, 'no-report')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('no engine found');
    expect(existsSync(join(work, 'no-report'))).toBe(false);
  });
});
