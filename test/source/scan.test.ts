import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildZip } from '../../fixtures/zip-writer.js';
import { writeZip64 } from '../../fixtures/zip64-stream-writer.js';
import { checkExportLog, countNamedFolders, ExportLogTally, openExport, scanExport, startReadPool } from '../../src/source/index.js';
import { MAX_ENTRY_UNCOMPRESSED_BYTES, STREAM_INFLATE_THRESHOLD_BYTES } from '../../src/source/limits.js';
import type { CentralEntry } from '../../src/source/central-directory.js';
import { walkCentralDirectory } from '../../src/source/central-directory.js';
import { readEntry } from '../../src/source/read-entry.js';
import { ReadPool } from '../../src/source/read-pool.js';
import { openZipFile } from '../../src/source/zip-file.js';
import { FIXTURES_DIR, collect, entriesOf, manifest, writeYazlZip } from './helpers.js';

const zipNames = Object.keys(manifest.zips).filter((name) => manifest.zips[name]?.archiveError === null);

describe.each([true, false])('scanExport on the committed fixtures (verify=%s)', (verify) => {
  it.each(zipNames)('%s: every entry once, folders decoded, kinds as the manifest says', async (zipName) => {
    const expected = manifest.zips[zipName]!;
    const zipPath = join(FIXTURES_DIR, zipName);
    const items = await collect(zipPath, { verify });
    expect(items.filter((item) => item.type === 'archive-error')).toEqual([]);
    const entries = entriesOf(items);
    expect(entries.map((item) => item.entry.entryName)).toEqual(expected.entries.map((e) => e.entry));
    for (const [i, item] of entries.entries()) {
      const want = expected.entries[i]!;
      const seen = !verify && want.headersOnly ? want.headersOnly : want;
      expect(item.entry.zipPath).toBe(zipPath);
      expect(item.entry.folderSegments, want.entry).toEqual(want.folderSegments);
      expect(item.entry.folder).toBe(want.folder);
      expect(item.read.ok ? item.read.kind : null, want.entry).toBe(seen.kind);
      if (!item.read.ok) {
        expect(item.read.error).toContain(zipPath);
        expect(item.read.error).toContain(want.entry);
        expect(item.read.error).toContain(want.errorIncludes);
      } else if (verify) {
        expect(item.read.verified).toBe(true);
      }
    }
  });
});

describe('scanExport on read workers', () => {
  // Every fixture, the damaged ones too: a worker must give exactly what the main thread gives.
  const allZips = Object.keys(manifest.zips);
  it.each(allZips.flatMap((zipName) => [true, false].map((verify) => [zipName, verify] as const)))(
    '%s (verify=%s): the same items as reading on the main thread',
    async (zipName, verify) => {
      const zipPath = join(FIXTURES_DIR, zipName);
      const inProcess = await collect(zipPath, { verify, workers: 0 });
      const pooled = await collect(zipPath, { verify, workers: 2 });
      expect(pooled).toEqual(inProcess);
      for (const item of entriesOf(pooled)) if (item.read.ok) expect(Buffer.isBuffer(item.read.head)).toBe(true);
      expect(entriesOf(inProcess).length).toBe(manifest.zips[zipName]!.entries.length);
    },
  );

  it('reads on the workers themselves: a pool gives what readEntry gives on the main thread', async () => {
    // scanExport falls back to the main thread when a worker fails; this shows the workers do start here.
    const zipPath = join(FIXTURES_DIR, 'corrupt.zip');
    const entries: CentralEntry[] = [];
    for await (const entry of walkCentralDirectory(zipPath)) entries.push(entry);
    const zip = await openZipFile(zipPath, { blocking: false });
    const pool = new ReadPool({ verify: true }, 1);
    try {
      const expected = await Promise.all(entries.map((entry) => readEntry(zip, zipPath, entry, true)));
      expect(await pool.read(zipPath, entries)).toEqual(expected);
      expect(expected.some((outcome) => !outcome.read.ok)).toBe(true);
    } finally {
      await pool.close();
      await zip.close();
    }
  });

  it('a windowed pool reads the bytes it is handed, then hands their memory back for the next window, which cannot change what was read', async () => {
    const zipPath = join(FIXTURES_DIR, 'export-nested.zip');
    const entries: CentralEntry[] = [];
    for await (const entry of walkCentralDirectory(zipPath)) if (!entry.name.endsWith('/')) entries.push(entry);
    const zip = await openZipFile(zipPath, { blocking: false });
    const pool = new ReadPool({ verify: true }, 1);
    try {
      const expected = await Promise.all(entries.map((entry) => readEntry(zip, zipPath, entry, true)));
      const bytes = pool.windowBuffer(zip.fileSize);
      await zip.read(bytes, 0);
      const outcomes = await pool.read(zipPath, entries, { start: 0, bytes, fileSize: zip.fileSize });
      expect(outcomes).toEqual(expected);
      // The next window is the same memory, the zip's bytes still in it: nothing was allocated for it.
      const next = pool.windowBuffer(64);
      const zipStart = Buffer.alloc(64);
      await zip.read(zipStart, 0);
      expect(next.equals(zipStart)).toBe(true);
      // Overwritten for the next batch: the outcomes of the last one hold copies, not views of it.
      next.fill(0);
      expect(outcomes).toEqual(expected);
    } finally {
      await pool.close();
      await zip.close();
    }
  });

  it('rejects the batches of a zip its workers cannot open, instead of hanging, and goes on with the next zip', async () => {
    const pool = new ReadPool({ verify: true }, 2);
    const entry = { index: 0, name: 'a.eml', flags: 0, compressionMethod: 0, crc32: 0, compressedSize: 1, uncompressedSize: 1, localHeaderOffset: 0, centralVariableLength: 5 };
    const missing = join(FIXTURES_DIR, 'no-such-file.zip');
    try {
      const settled = await Promise.allSettled([pool.read(missing, [entry]), pool.read(missing, [entry]), pool.read(missing, [entry])]);
      for (const outcome of settled) expect(outcome.status === 'rejected' && String(outcome.reason)).toMatch(/ENOENT|no such file/i);
      const zipPath = join(FIXTURES_DIR, 'export-nested.zip');
      const entries: CentralEntry[] = [];
      for await (const e of walkCentralDirectory(zipPath)) if (!e.name.endsWith('/')) entries.push(e);
      const outcomes = await pool.read(zipPath, entries);
      expect(outcomes.length).toBe(entries.length);
      expect(outcomes.every((outcome) => outcome.read.ok)).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it("reads zip after zip on one run's workers, each as its own scan reads it, small zips included", async () => {
    const zips = ['export-nested.zip', 'corrupt.zip', 'export-flat.zip', 'export-prefixed.zip'].map((name) => join(FIXTURES_DIR, name));
    const pool = startReadPool({ verify: true, workers: 1 });
    try {
      for (const zipPath of zips) {
        const alone = await collect(zipPath, { verify: true, workers: 0 });
        const before = pool.batchesRead;
        expect(await collect(zipPath, { verify: true, readPool: pool })).toEqual(alone);
        // Read by the workers, though each of these zips is far too small for workers of its own.
        expect(pool.batchesRead).toBeGreaterThan(before);
      }
    } finally {
      await pool.close();
    }
  });
});

describe('scanExport: damaged input', () => {
  it('verify mode finds a bad CRC that --headers-only does not', async () => {
    const zipPath = join(FIXTURES_DIR, 'corrupt.zip');
    const pick = async (verify: boolean) =>
      entriesOf(await collect(zipPath, { verify })).find((item) => item.entry.entryName === 'Inbox/bad-crc.eml')!;
    const verified = await pick(true);
    expect(verified.read.ok).toBe(false);
    expect(!verified.read.ok && verified.read.error).toMatch(/corrupt\.zip: Inbox\/bad-crc\.eml: CRC-32 mismatch/);
    const headersOnly = await pick(false);
    expect(headersOnly.read.ok && headersOnly.read.kind).toBe('message');
    expect(headersOnly.read.ok && headersOnly.read.verified).toBe(false);
    expect(headersOnly.read.ok && headersOnly.read.head.toString('latin1')).toContain('Subject: Bad CRC past the header');
  });

  it.each([
    ['not-a-zip.zip', /not-a-zip\.zip: not a zip file/],
    ['truncated.zip', /truncated\.zip: not a zip file, or a truncated one/],
  ])('%s gives one archive-error naming the file', async (zipName, message) => {
    const items = await collect(join(FIXTURES_DIR, zipName), { verify: true });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ type: 'archive-error', zipPath: join(FIXTURES_DIR, zipName) });
    expect(items[0]?.type === 'archive-error' && items[0].error).toMatch(message);
  });

  it('gives an archive-error for a file that does not exist', async () => {
    const items = await collect(join(FIXTURES_DIR, 'no-such.zip'), { verify: true });
    expect(items).toEqual([expect.objectContaining({ type: 'archive-error', error: expect.stringContaining('no-such.zip') })]);
  });
});

describe('scanExport and openExport on generated zips', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eml-import-source-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a message that compresses far better than mail does (a log of repeated lines), as long as deflate could have made it', async () => {
    // 335:1 and more: refused as "zip bomb?" under the old 200:1 limit, although a valid message (a probe).
    const log = Buffer.from(`Subject: nightly backup log\r\n\r\n${'2024-03-05 02:00:00 backup ok: 0 files changed\r\n'.repeat(64_000)}`);
    const zipPath = join(dir, 'compressible.zip');
    await writeFile(zipPath, buildZip([{ name: 'Inbox/log.eml', data: log }]));
    const [entry] = entriesOf(await collect(zipPath, { verify: true }));
    expect(entry!.entry.uncompressedSize / entry!.entry.compressedSize).toBeGreaterThan(200);
    expect(entry!.read.ok, entry!.read.ok ? '' : entry!.read.error).toBe(true);
  });

  it('reads every entry of a zip with bytes appended after its end record (a proxy\'s error page)', async () => {
    // yauzl wants the end record's comment to end the file: the whole archive was refused (a probe).
    const zip = buildZip([
      { name: 'Inbox/1.eml', data: Buffer.from('Subject: one\r\n\r\nbody one') },
      { name: 'Inbox/2.eml', data: Buffer.from('Subject: two\r\n\r\nbody two') },
    ]);
    const zipPath = join(dir, 'appended.zip');
    await writeFile(zipPath, Buffer.concat([zip, Buffer.from('<html><body>504 Gateway Time-out</body></html>\n')]));
    const items = await collect(zipPath, { verify: true });
    expect(items.filter((item) => item.type === 'archive-error')).toEqual([]);
    const entries = entriesOf(items);
    expect(entries.map((e) => [e.entry.entryName, e.read.ok])).toEqual([
      ['Inbox/1.eml', true],
      ['Inbox/2.eml', true],
    ]);
  });

  it('refuses a declared zip bomb without inflating it', async () => {
    // The data is not deflate at all: inflating it would fail with "corrupt", not with the limit.
    const garbage = Buffer.alloc(4096, 0xff);
    const zipPath = join(dir, 'bomb.zip');
    await writeFile(
      zipPath,
      buildZip([
        { name: 'Inbox/huge.eml', data: garbage, rawCompressed: garbage, corrupt: { declaredUncompressedSize: MAX_ENTRY_UNCOMPRESSED_BYTES + 1 } },
        { name: 'Inbox/ratio.eml', data: garbage, rawCompressed: garbage, corrupt: { declaredUncompressedSize: 100 * 1024 * 1024 } },
        { name: 'Inbox/ok.eml', data: Buffer.from('Subject: fine\r\n\r\nbody') },
      ]),
    );
    for (const verify of [true, false]) {
      const [huge, ratio, ok] = entriesOf(await collect(zipPath, { verify }));
      expect(!huge!.read.ok && huge!.read.error).toMatch(/bomb\.zip: Inbox\/huge\.eml: declared size \d+ bytes is above the \d+-byte limit/);
      expect(!ratio!.read.ok && ratio!.read.error).toMatch(/Inbox\/ratio\.eml: compression ratio \d+:1 is above/);
      expect(ok!.read.ok).toBe(true);
    }
    const reader = await openExport(zipPath);
    await expect(reader.readWhole('Inbox/huge.eml')).rejects.toThrow(/bomb\.zip: Inbox\/huge\.eml: declared size/);
    await reader.close();
  });

  it('readWhole returns the exact bytes, stored or deflated, and names zip and entry on failure', async () => {
    const files: Array<[string, Buffer]> = [];
    for (let i = 0; i < 20; i++) {
      const body = Buffer.alloc(1000 + i * 5000);
      for (let j = 0; j < body.length; j++) body[j] = (j * 31 + i * 7) % 251;
      files.push([`Inbox/${i}.eml`, Buffer.concat([Buffer.from(`Subject: ${i}\r\n\r\n`), body])]);
    }
    for (const compress of [true, false]) {
      const zipPath = join(dir, `exact-${compress}.zip`);
      await writeYazlZip(zipPath, files, { compress });
      const reader = await openExport(zipPath);
      const all = await Promise.all(files.map(([name]) => reader.readWhole(name)));
      all.forEach((bytes, i) => expect(bytes.equals(files[i]![1])).toBe(true));
      await expect(reader.readWhole('Inbox/missing.eml')).rejects.toThrow(`${zipPath}: Inbox/missing.eml: no such entry`);
      await reader.close();
    }
    const corrupt = await openExport(join(FIXTURES_DIR, 'corrupt.zip'));
    await expect(corrupt.readWhole('Inbox/bad-crc.eml')).rejects.toThrow(/corrupt\.zip: Inbox\/bad-crc\.eml: CRC-32 mismatch/);
    await expect(corrupt.readWhole('Inbox/past-eof.eml')).rejects.toThrow(/Inbox\/past-eof\.eml: entry data runs past the end/);
    expect((await corrupt.readWhole('Inbox/good-1.eml')).toString()).toContain('Subject: Good message 1');
    await corrupt.close();
  });

  it('readLocated reads each entry from what the scan recorded, without the central directory', async () => {
    const files: Array<[string, Buffer]> = Array.from({ length: 12 }, (_, i) => [`Inbox/${i % 4}.eml`, Buffer.from(`Subject: ${i}\r\n\r\n${'x'.repeat(i * 900)}`)]);
    for (const compress of [true, false]) {
      const zipPath = join(dir, `located-${compress}.zip`);
      await writeYazlZip(zipPath, files, { compress });
      const scanned = entriesOf(await collect(zipPath, { verify: true })).map(({ entry }) => ({
        name: entry.entryName, index: entry.entryIndex, crc32: entry.crc32, uncompressedSize: entry.uncompressedSize, location: entry.location,
      }));
      expect(scanned).toHaveLength(files.length);
      // The end of the file (central directory and its end record) cut off: only the recorded locations
      // can find the entries now, and a read by name cannot.
      const whole = await readFile(zipPath);
      const cutPath = join(dir, `located-cut-${compress}.zip`);
      await writeFile(cutPath, whole.subarray(0, Math.max(...scanned.map((e) => e.location.localHeaderOffset + e.location.compressedSize + 200))));
      const cut = await openExport(cutPath);
      const read = await Promise.all(scanned.map((e) => cut.readLocated(e)));
      read.forEach((bytes, i) => expect(bytes.equals(files[i]![1]), files[i]![0]).toBe(true));
      await expect(cut.readWhole('Inbox/0.eml')).rejects.toThrow(`${cutPath}: cannot read the central directory`);
      // What the scan recorded no longer describes the zip: the read fails, naming zip and entry.
      const other = scanned[3]!;
      await expect(cut.readLocated({ ...other, crc32: (other.crc32 + 1) >>> 0 })).rejects.toThrow(`${cutPath}: Inbox/3.eml: CRC-32 mismatch`);
      await expect(cut.readLocated({ ...other, location: { ...other.location, localHeaderOffset: other.location.localHeaderOffset + 1 } })).rejects.toThrow(`${cutPath}: Inbox/3.eml: no local file header`);
      await cut.close();
    }
  });

  it('tells apart two entries with the same name by their index', async () => {
    const zipPath = join(dir, 'same-name.zip');
    await writeFile(
      zipPath,
      buildZip([
        { name: 'Inbox/a.eml', data: Buffer.from('Subject: first\r\n\r\n') },
        { name: 'Inbox/a.eml', data: Buffer.from('Subject: second\r\n\r\n') },
      ]),
    );
    const entries = entriesOf(await collect(zipPath, { verify: true }));
    expect(entries.map((e) => e.entry.entryIndex)).toEqual([0, 1]);
    const reader = await openExport(zipPath);
    expect((await reader.readWhole('Inbox/a.eml', 1)).toString()).toContain('second');
    expect((await reader.readWhole('Inbox/a.eml')).toString()).toContain('first');
    await reader.close();
  });

  it('skips directory entries and reads the header from a growing prefix', async () => {
    // A header longer than the first 4 KiB prefix inflates to, so the 64 KiB step is needed.
    const longHeader = Array.from({ length: 800 }, (_, i) => `X-Trace-${i}: ${deflateRawSync(Buffer.from(String(i))).toString('base64')}${i * 7919}`).join('\r\n');
    const noise = randomBytes(150_000); // incompressible, so the entry is bigger than every prefix step
    const message = Buffer.from(`${longHeader}\r\nSubject: long\r\n\r\n${noise.toString('base64')}`);
    const zipPath = join(dir, 'dirs.zip');
    await writeFile(
      zipPath,
      buildZip([{ name: 'export-9/', data: Buffer.alloc(0), method: 0 }, { name: 'export-9/Inbox/', data: Buffer.alloc(0), method: 0 }, { name: 'export-9/Inbox/long.eml', data: message }]),
    );
    const entries = entriesOf(await collect(zipPath, { verify: false }));
    expect(entries).toHaveLength(1);
    const [only] = entries;
    expect(only!.entry.folderSegments).toEqual(['Inbox']);
    expect(only!.read.ok && only!.read.head.length).toBe(message.indexOf('\r\n\r\n') + 4);
    expect(only!.read.ok && only!.read.verified).toBe(false);
  });

  it('checks the fixture export logs: consistent in one zip, three mismatches in the other', async () => {
    const outcome = async (zipName: string): Promise<string[]> => {
      const tally = new ExportLogTally();
      const problems: string[] = [];
      const logs = [];
      for await (const item of scanExport(join(FIXTURES_DIR, zipName), { verify: true })) {
        if (item.type !== 'entry') continue;
        tally.add(item.read.ok ? item.read.kind : undefined, item.entry.uncompressedSize);
        if (item.exportLog) logs.push(item.exportLog);
      }
      expect(logs).toHaveLength(1);
      const folders = await countNamedFolders(join(FIXTURES_DIR, zipName));
      for (const log of logs) problems.push(...checkExportLog(log, tally.observed(folders)));
      return problems;
    };
    expect(await outcome('export-prefixed.zip')).toEqual([]);
    const problems = await outcome('export-flat.zip');
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/ExportLog\.json says totalMessages is 999/);
  });

  it('counts the folders a zip names: directory entries and empty parents included, the export-job prefix and top level not', async () => {
    const zipPath = join(tmpdir(), `named-folders-${process.pid}.zip`);
    await writeFile(
      zipPath,
      buildZip([
        { name: 'export-9/', data: Buffer.alloc(0), method: 0 },
        { name: 'export-9/log.json', data: Buffer.from('{}') },
        { name: 'export-9/Archive/2019/1.eml', data: Buffer.from('Subject: a\r\n\r\nx') },
        { name: 'export-9/Archive/2020/2.eml', data: Buffer.from('Subject: b\r\n\r\nx') },
        { name: 'export-9/Empty/', data: Buffer.alloc(0), method: 0 },
        { name: 'export-9/Inbox/3.eml', data: Buffer.from('Subject: c\r\n\r\nx') },
      ]),
    );
    // Archive, Archive/2019, Archive/2020, Empty, Inbox.
    expect(await countNamedFolders(zipPath)).toBe(5);
    await rm(zipPath, { force: true });
  });

  it('stops cleanly when the consumer stops early, and throws on abort', async () => {
    const zipPath = join(FIXTURES_DIR, 'export-prefixed.zip');
    let taken = 0;
    for await (const item of scanExport(zipPath, { verify: true, concurrency: 2 })) {
      expect(item.type).toBe('entry');
      if (++taken === 3) break;
    }
    expect(taken).toBe(3);
    const controller = new AbortController();
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const item of scanExport(zipPath, { verify: true, signal: controller.signal })) {
          seen.push(item.type);
          controller.abort();
        }
      })(),
    ).rejects.toThrow(/abort/i);
    expect(seen).toEqual(['entry']);
  });

  it.each([0, 1])('streams an entry too large to hold (workers: %s), checking its CRC all the same', async (workers) => {
    // Random base64 barely compresses: 12 MB of it is over the 8 MB compressed threshold for streaming.
    const head = 'Subject: Big one\r\nMessage-ID: <big@x>\r\n';
    const body = randomBytes(9 * 1024 * 1024).toString('base64').replace(/.{76}/g, '$&\r\n');
    const data = Buffer.from(`${head}\r\n${body}`);
    const zipPath = join(dir, `streamed-${workers}.zip`);
    await writeFile(zipPath, buildZip([
      { name: 'Inbox/big.eml', data },
      { name: 'Inbox/big-bad-crc.eml', data, corrupt: { crc32: 1 } },
    ]));
    const [good, bad] = entriesOf(await collect(zipPath, { verify: true, workers }));
    expect(good?.entry.compressedSize).toBeGreaterThan(STREAM_INFLATE_THRESHOLD_BYTES);
    expect(good?.read).toMatchObject({ ok: true, kind: 'message', verified: true });
    expect(good?.read.ok && good.read.head.toString('latin1')).toBe(`${head}\r\n`);
    expect(bad?.read.ok).toBe(false);
    expect(bad && !bad.read.ok && bad.read.error).toMatch(/big-bad-crc\.eml: CRC-32 mismatch/);
  });

  it.each([0, 1])('reads an entry that starts past 4 GiB (workers: %s), in a sparse file', async (workers) => {
    // 4.5 GiB of zeros, stored, as a hole: too big to inflate (refused), but it pushes the next entry's
    // local header past what 32 bits can address, as in a real multi-GB export.
    const zipPath = join(dir, `past-4gib-${workers}.zip`);
    const message = Buffer.from('Subject: Far away\r\nMessage-ID: <far@x>\r\n\r\nbody\r\n');
    const hole = 4.5 * 1024 ** 3;
    await writeZip64(zipPath, 2, (i) => (i === 0 ? { name: 'Inbox/huge.bin', zeros: hole } : { name: 'Inbox/far.eml', data: message }));
    const [huge, far] = entriesOf(await collect(zipPath, { verify: true, workers }));
    expect(huge?.read.ok).toBe(false);
    expect(huge && !huge.read.ok && huge.read.error).toMatch(/huge\.bin: declared size 4831838208 bytes is above/);
    expect(far?.read).toMatchObject({ ok: true, kind: 'message', verified: true });
    expect(far?.read.ok && far.read.head.toString()).toBe('Subject: Far away\r\nMessage-ID: <far@x>\r\n\r\n');
    const reader = await openExport(zipPath);
    try {
      expect(await reader.readWhole('Inbox/far.eml')).toEqual(message);
    } finally {
      await reader.close();
    }
  });

  it('scans a zip64 archive with 100,000 entries completely', async () => {
    const count = 100_000;
    const zipPath = join(dir, 'many.zip');
    const folders3 = ['Inbox', 'Sent Items', 'Archive'];
    const files = Array.from({ length: count }, (_, i) => ({
      name: `export-big/${folders3[i % 3]}/${i}.eml`,
      data: Buffer.from(`Subject: message ${i}\r\nMessage-ID: <${i}@x>\r\n\r\nbody ${i}\r\n`),
      method: (i % 2 === 0 ? 0 : 8) as 0 | 8,
    }));
    // More than 65,535 entries: the writer adds the zip64 end record, as a real export of this size has.
    await writeFile(zipPath, buildZip(files));
    const seen = new Set<number>();
    const folders = new Map<string, number>();
    let failures = 0;
    for await (const item of scanExport(zipPath, { verify: true })) {
      if (item.type !== 'entry' || !item.read.ok || item.read.kind !== 'message') {
        failures += 1;
        continue;
      }
      seen.add(Number(/(\d+)\.eml$/.exec(item.entry.entryName)?.[1]));
      folders.set(item.entry.folder, (folders.get(item.entry.folder) ?? 0) + 1);
    }
    expect(failures).toBe(0);
    expect(seen.size).toBe(count);
    expect(Object.fromEntries(folders)).toEqual({ Inbox: 33_334, 'Sent Items': 33_333, Archive: 33_333 });
  }, 180_000);
});
