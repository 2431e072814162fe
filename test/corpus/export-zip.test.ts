/**
 * The corpus as a WorkMail export: zipped under an export-job root, read by the scan (on read workers,
 * as a zip this size is by default) and by the dry run. Every message must come through the zip reader
 * exactly as it reads on its own: the same kind for every entry, and the same decoded summary.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildZip } from '../../fixtures/zip-writer.js';
import { summarizeMessage } from '../../src/message/summarize.js';
import { scanExport, sniffContent } from '../../src/source/index.js';
import { READ_WORKER_MIN_ENTRIES } from '../../src/source/limits.js';
import { runCli } from '../helpers/run-cli.js';
import { corpusPresent, loadCorpus } from './corpus.js';

describe.skipIf(!corpusPresent)('the corpus as an export zip', () => {
  const messages = loadCorpus();
  const entryName = (name: string): string => `export-job-1/${name.replace(/#(\d+)$/, '-$1.eml')}`;
  let dir: string;
  let zipPath: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eml-import-corpus-'));
    zipPath = join(dir, 'corpus.zip');
    await writeFile(zipPath, buildZip(messages.map((m) => ({ name: entryName(m.name), data: m.bytes }))));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads every entry, verified, and summarises each as the message read on its own', { timeout: 120_000 }, async () => {
    expect(messages.length).toBeGreaterThanOrEqual(READ_WORKER_MIN_ENTRIES);
    const byEntry = new Map(messages.map((m) => [entryName(m.name), m]));
    const seen = new Set<string>();
    const differences: string[] = [];
    for await (const item of scanExport(zipPath, { verify: true })) {
      if (item.type !== 'entry') throw new Error(item.error);
      const original = byEntry.get(item.entry.entryName);
      expect(original, item.entry.entryName).toBeDefined();
      seen.add(item.entry.entryName);
      expect(item.entry.folderSegments).toEqual(original!.folder);
      if (!item.read.ok) throw new Error(item.read.error);
      expect(item.read.verified).toBe(true);
      const expectedKind = sniffContent(original!.bytes).kind;
      expect(item.read.kind, item.entry.entryName).toBe(expectedKind === 'json' ? 'unreadable' : expectedKind);
      if (item.read.kind !== 'message') continue;
      const { headers: _fromZip, ...fromZip } = summarizeMessage(item.read.head);
      const { headers: _alone, ...alone } = summarizeMessage(original!.bytes);
      if (JSON.stringify(fromZip) !== JSON.stringify(alone)) differences.push(`${item.entry.entryName}: ${JSON.stringify(fromZip)} != ${JSON.stringify(alone)}`);
    }
    expect(seen.size).toBe(messages.length);
    expect(differences).toEqual([]);
  });

  it('gives every entry a verdict in the dry run', { timeout: 120_000 }, async () => {
    const run = await runCli([zipPath, '--dry-run', '--json', '--no-progress', '--state', join(dir, 'state')]);
    const { totals } = JSON.parse(run.stdout) as { totals: Record<string, number> };
    console.info('corpus export dry run:', totals);
    expect(totals.messages! + totals.unreadable!).toBe(messages.length);
    expect(totals.importable! + totals.spam! + totals.duplicates! + totals.calendar! + totals.excluded!).toBe(totals.messages);
    expect(run.status).toBe(totals.unreadable! > 0 ? 1 : 0);
  });
});
