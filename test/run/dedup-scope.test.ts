/**
 * Duplicates across zips: the scope is the mailbox, so a copy in a second zip of the same mailbox is a
 * duplicate of a copy in this run, or of one an earlier run delivered; never of a row that a zip outside
 * this run left pending (that one may never be imported). Zips without a mailbox (a dry run without a
 * tenant) or of different mailboxes never drop each other's messages. An export is known by its content:
 * moved, renamed or downloaded again it resumes its own rows. Real zips, a real SQLite ledger file.
 */
import { copyFile, mkdir, mkdtemp, rename, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stats } from '../../src/accounting/stats.js';
import { Ledger } from '../../src/ledger/ledger.js';
import { scanZips, type ScanOptions, type ZipToScan } from '../../src/run/scan/scan.js';
import { message, writeZip } from '../helpers/make-zip.js';

const options: ScanOptions = { verify: true, spam: { keepJunk: false, userRules: [] }, folderWanted: () => true };

describe('duplicate scope across zips', () => {
  let dir: string;
  let first: string;
  let second: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eml-import-dedup-scope-'));
    const same = message({ subject: 'Quarterly numbers', messageId: '<q@x>' });
    first = await writeZip(join(dir, 'first.zip'), [{ name: 'Inbox/a.eml', content: same }]);
    second = await writeZip(join(dir, 'second.zip'), [
      { name: 'Inbox/a-again.eml', content: same },
      { name: 'Sent Items/a-elsewhere.eml', content: same },
    ]);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Scans `zips` into the ledger at `file`, in one run; the verdict of every entry by name. */
  async function scan(file: string, zips: readonly ZipToScan[], lines: string[] = []): Promise<Record<string, string>> {
    const ledger = Ledger.open(file);
    try {
      await scanZips(zips, ledger, new Stats(), options, (line) => lines.push(line));
      return Object.fromEntries([...ledger.messages()].map((row) => [row.entry, row.verdict]));
    } finally {
      ledger.close();
    }
  }

  /** Marks every wanted row of the ledger as imported, as a finished import would. */
  function deliverAll(file: string): void {
    const ledger = Ledger.open(file);
    try {
      for (const row of [...ledger.messages()]) if (row.verdict === 'importable') ledger.markImported(row.id, `dest-${row.id}`, 'importMime');
    } finally {
      ledger.close();
    }
  }

  function zipsOf(file: string): ReturnType<Ledger['zips']> {
    const ledger = Ledger.open(file);
    try {
      return ledger.zips();
    } finally {
      ledger.close();
    }
  }

  it('drops the copy in a second zip of the same mailbox, in the same folder only', async () => {
    const verdicts = await scan(join(dir, 'one-run.db'), [
      { path: first, mailbox: 'ann@contoso.com' },
      { path: second, mailbox: 'ann@contoso.com' },
    ]);
    expect(verdicts).toEqual({ 'Inbox/a.eml': 'importable', 'Inbox/a-again.eml': 'duplicate', 'Sent Items/a-elsewhere.eml': 'importable' });
  });

  it('drops it in a later run only when the copy of the first zip was delivered, and says so', async () => {
    const file = join(dir, 'two-runs.db');
    await scan(file, [{ path: first, mailbox: 'ann@contoso.com' }]);
    deliverAll(file);
    const lines: string[] = [];
    const verdicts = await scan(file, [{ path: second, mailbox: 'ann@contoso.com' }], lines);
    expect(verdicts['Inbox/a-again.eml']).toBe('duplicate');
    expect(lines.join('\n')).toMatch(/1 message\(s\) already delivered from .*first\.zip, a zip not part of this run/);
    expect(zipsOf(file).find((z) => z.path === second)?.notes).toHaveLength(1);
  });

  it('never drops a message as a copy of a pending row of a zip outside this run', async () => {
    const file = join(dir, 'pending-elsewhere.db');
    await scan(file, [{ path: first, mailbox: 'ann@contoso.com' }]);
    const verdicts = await scan(file, [{ path: second, mailbox: 'ann@contoso.com' }]);
    expect(verdicts['Inbox/a-again.eml']).toBe('importable');
  });

  it('wants a message again once the zip its earlier run took it for a copy of is no longer in the run', async () => {
    const file = join(dir, 'un-duplicate.db');
    const both = await scan(file, [
      { path: first, mailbox: 'ann@contoso.com' },
      { path: second, mailbox: 'ann@contoso.com' },
    ]);
    expect(both['Inbox/a-again.eml']).toBe('duplicate');
    const alone = await scan(file, [{ path: second, mailbox: 'ann@contoso.com' }]);
    expect(alone['Inbox/a-again.eml']).toBe('importable');
  });

  describe('an export known by its content', () => {
    const ann = 'ann@contoso.com';
    let exportZip: string;
    beforeAll(async () => {
      exportZip = await writeZip(join(dir, 'export.zip'), [
        { name: 'Inbox/1.eml', content: message({ subject: 'One', messageId: '<1@x>' }) },
        { name: 'Inbox/2.eml', content: message({ subject: 'Two', messageId: '<2@x>' }) },
      ]);
    });

    /** A first run that stopped before importing (mailbox missing, SIGKILL): every row still pending. */
    async function firstRun(name: string): Promise<string> {
      const file = join(dir, `${name}.db`);
      await scan(file, [{ path: exportZip, mailbox: ann }]);
      return file;
    }

    it.each([
      ['moved to another folder', async (to: string) => { await mkdir(join(to, 'elsewhere'), { recursive: true }); const p = join(to, 'elsewhere', 'export.zip'); await copyFile(exportZip, p); return p; }],
      ['renamed', async (to: string) => { const p = join(to, 'ann-renamed.zip'); await copyFile(exportZip, p); return p; }],
      ['downloaded again (same bytes, new mtime)', async (to: string) => { const p = join(to, 'again.zip'); await copyFile(exportZip, p); await utimes(p, new Date(), new Date(Date.now() + 86_400_000)); return p; }],
    ])('%s: takes over its rows and says where it was seen before', async (label, place) => {
      const file = await firstRun(`moved-${label.replace(/\W+/g, '-')}`);
      const to = await mkdtemp(join(dir, 'to-'));
      const moved = await place(to);
      const lines: string[] = [];
      const verdicts = await scan(file, [{ path: moved, mailbox: ann }], lines);
      expect(verdicts).toEqual({ 'Inbox/1.eml': 'importable', 'Inbox/2.eml': 'importable' });
      const zips = zipsOf(file);
      expect(zips).toHaveLength(1);
      expect(zips[0]).toMatchObject({ path: moved, previousPath: exportZip });
      expect(lines.join('\n')).toContain(`seen before at ${exportZip}`);
    });

    it('two copies in one run: the second is the duplicate, and its record says whose copy it is', async () => {
      const file = join(dir, 'two-copies.db');
      const copy = join(await mkdtemp(join(dir, 'copy-')), 'export.zip');
      await copyFile(exportZip, copy);
      const ledger = Ledger.open(file);
      try {
        await scanZips([{ path: exportZip, mailbox: ann }, { path: copy, mailbox: ann }], ledger, new Stats(), options, () => {});
        const zips = ledger.zips();
        expect(zips).toHaveLength(2);
        expect(zips[1]).toMatchObject({ path: copy, copyOf: zips[0]!.id });
        const byZip = [...ledger.messages()].map((r) => [r.zipId, r.verdict]);
        expect(byZip).toEqual([[zips[0]!.id, 'importable'], [zips[0]!.id, 'importable'], [zips[1]!.id, 'duplicate'], [zips[1]!.id, 'duplicate']]);
      } finally {
        ledger.close();
      }
    });

    it('a file replaced by a different export at the same path is read afresh', async () => {
      const file = await firstRun('replaced');
      const path = join(await mkdtemp(join(dir, 'replace-')), 'export.zip');
      await copyFile(exportZip, path);
      await scan(file, [{ path, mailbox: ann }]);
      await rename(await writeZip(join(dir, 'other.zip'), [{ name: 'Inbox/3.eml', content: message({ subject: 'Three', messageId: '<3@x>' }) }]), path);
      const verdicts = await scan(file, [{ path, mailbox: ann }]);
      expect(verdicts['Inbox/3.eml']).toBe('importable');
      expect(zipsOf(file).filter((z) => z.path === path)).toHaveLength(1);
    });
  });

  it.each([
    ['different mailboxes', 'ann@contoso.com', 'bob@contoso.com'],
    ['no mailbox (each zip its own scope)', null, null],
  ])('keeps both copies for %s', async (_, a, b) => {
    const verdicts = await scan(join(dir, `${a ?? 'none'}-${b ?? 'none'}.db`), [
      { path: first, mailbox: a },
      { path: second, mailbox: b },
    ]);
    expect(verdicts['Inbox/a.eml']).toBe('importable');
    expect(verdicts['Inbox/a-again.eml']).toBe('importable');
  });
});

describe('duplicates within a zip, as the scan decides them', () => {
  it('keeps two senders alerts without Message-ID, drops the same one twice, and reads <id> and id as one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'eml-import-dedup-sender-'));
    try {
      const alert = (from: string, body: string) => message({ subject: 'Backup FAILED', from, body });
      const zip = await writeZip(join(dir, 'alerts.zip'), [
        { name: 'Inbox/db1.eml', content: alert('root@db1.example', 'db1: disk full') },
        { name: 'Inbox/web1.eml', content: alert('Root <root@web1.example>', 'web1: timeout') },
        { name: 'Inbox/db1-again.eml', content: alert('root@db1.example', 'db1: disk full') },
        { name: 'Inbox/bracketed.eml', content: message({ subject: 'Minutes', messageId: '<d5@example.com>' }) },
        { name: 'Inbox/bare.eml', content: message({ subject: 'Minutes', messageId: 'd5@example.com' }) },
      ]);
      const ledger = Ledger.open(join(dir, 'ledger.sqlite'));
      try {
        await scanZips([{ path: zip, mailbox: 'ann@contoso.com' }], ledger, new Stats(), options, () => undefined);
        const verdicts = Object.fromEntries([...ledger.messages()].map((row) => [row.entry, row.verdict]));
        expect(verdicts).toEqual({
          'Inbox/db1.eml': 'importable',
          'Inbox/web1.eml': 'importable',
          'Inbox/db1-again.eml': 'duplicate',
          'Inbox/bracketed.eml': 'importable',
          'Inbox/bare.eml': 'duplicate',
        });
      } finally {
        ledger.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
