import iconv from 'iconv-lite';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeCp437, encodeCp437 } from '../../src/source/cp437.js';
import { SharedRootFinder, decodeEntryName, directorySegments, folderSegmentsOf } from '../../src/source/entry-name.js';
import { decodeModifiedUtf7, encodeModifiedUtf7 } from '../../src/source/modified-utf7.js';

describe('CP437', () => {
  it('decodes every byte the way iconv-lite does', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    // Bytes below 0x20 are control characters in iconv's table too; compare the printable range and the high half.
    expect(decodeCp437(all.subarray(0x20))).toBe(iconv.decode(all.subarray(0x20), 'cp437'));
  });

  it('round-trips German and box-drawing text', () => {
    for (const text of ['Entwürfe', 'Gelöschte Elemente', 'Ärger ß ╔═╗']) expect(decodeCp437(encodeCp437(text))).toBe(text);
  });

  it('refuses characters CP437 lacks', () => {
    expect(() => encodeCp437('Čeština')).toThrow(/not in CP437/);
  });
});

describe('IMAP modified UTF-7', () => {
  it.each([
    ['Entw&APw-rfe', 'Entwürfe'],
    ['03_M&AOQ-rz', '03_März'],
    ['R&-D', 'R&D'],
    ['&-', '&'],
    ['Kunden &AC8- Lieferanten', 'Kunden / Lieferanten'],
    ['&ZeVnLIqe-', '日本語'],
    ['&2D3eAA-', '😀'],
    ['plain ASCII', 'plain ASCII'],
  ])('decodes %s as %s', (encoded, decoded) => {
    expect(decodeModifiedUtf7(encoded)).toBe(decoded);
  });

  it.each(['&ZQ-', '&2D0-', 'Tom & Jerry', 'a&b-c&', 'Tom&Joe-Files', 'R&Dev-Team'])('leaves an invalid run alone: %s', (text) => {
    // '&ZQ-' is one byte (not a UTF-16 unit), '&2D0-' a lone high surrogate, the others not base64 runs.
    expect(decodeModifiedUtf7(text)).toBe(text);
  });

  it('round-trips through the encoder', () => {
    for (const text of ['Entwürfe', 'A/B & C', '日本語 メール', 'Ünïcödé 😀']) {
      const encoded = encodeModifiedUtf7(text);
      expect(encoded).toMatch(/^[\x20-\x7e]*$/);
      expect(decodeModifiedUtf7(encoded)).toBe(text);
    }
  });
});

describe('decodeEntryName', () => {
  it('uses UTF-8 when flag bit 11 is set', () => {
    expect(decodeEntryName(Buffer.from('Geschäftlich/a.eml'), 0x0800, [])).toBe('Geschäftlich/a.eml');
  });

  it('uses CP437 without the flag', () => {
    expect(decodeEntryName(encodeCp437('Entwürfe/1'), 0, [])).toBe('Entwürfe/1');
    // The same UTF-8 bytes without the flag are CP437 mojibake, as every unzip shows them.
    expect(decodeEntryName(Buffer.from('ü'), 0, [])).toBe('├╝');
  });

  it('uses a Unicode Path extra field whose CRC matches the raw name', () => {
    const raw = Buffer.from('Cestina/1');
    const field = (crc: number): { id: number; data: Buffer } => {
      const data = Buffer.concat([Buffer.from([1, 0, 0, 0, 0]), Buffer.from('Čeština/1')]);
      data.writeUInt32LE(crc >>> 0, 1);
      return { id: 0x7075, data };
    };
    expect(decodeEntryName(raw, 0, [field(crc32(raw))])).toBe('Čeština/1');
    expect(decodeEntryName(raw, 0, [field(crc32(raw) ^ 1)])).toBe('Cestina/1');
  });

  it('falls back when the UTF-8 flag lies', () => {
    expect(decodeEntryName(encodeCp437('Entwürfe'), 0x0800, [])).toBe('Entwürfe');
  });
});

describe('folders', () => {
  it('splits directory segments and drops the file name', () => {
    expect(directorySegments('Inbox/Projects/Q3 Planning/1.eml')).toEqual(['Inbox', 'Projects', 'Q3 Planning']);
    expect(directorySegments('top.eml')).toEqual([]);
    expect(directorySegments('Inbox//a')).toEqual(['Inbox']);
    expect(directorySegments('Inbox/Sub/')).toEqual(['Inbox', 'Sub']);
  });

  it('strips a root shared by every entry, directories included', () => {
    const finder = new SharedRootFinder();
    for (const name of ['export-1/', 'export-1/Inbox/1.eml', 'export-1/Sent Items/2.eml', 'export-1/log.json']) finder.add(name);
    expect(finder.root()).toBe('export-1');
    expect(folderSegmentsOf('export-1/Inbox/1.eml', 'export-1')).toEqual(['Inbox']);
    expect(folderSegmentsOf('export-1/log.json', 'export-1')).toEqual([]);
  });

  it('keeps the first directory when one entry does not share it', () => {
    const finder = new SharedRootFinder();
    for (const name of ['export-1/Inbox/1.eml', 'other/Inbox/2.eml']) finder.add(name);
    expect(finder.root()).toBeUndefined();
    const withTopFile = new SharedRootFinder();
    for (const name of ['export-1/Inbox/1.eml', 'manifest.json']) withTopFile.add(name);
    expect(withTopFile.root()).toBeUndefined();
  });

  it('never strips a mailbox folder name, even when it is the only one', () => {
    const finder = new SharedRootFinder();
    for (const name of ['Inbox/1.eml', 'Inbox/Sub/2.eml']) finder.add(name);
    expect(finder.root()).toBeUndefined();
  });

  it('keeps a shared top folder that holds messages itself: a mail folder, not an export prefix', () => {
    // A mailbox whose only folder is a custom one: stripping it put its mail in Inbox and made its
    // subfolders top-level ones (a probe). An export prefix holds folders and the export log only.
    const finder = new SharedRootFinder();
    for (const name of ['Projects/a.eml', 'Projects/Q1/b.eml', 'Projects/Q2/c.eml']) finder.add(name);
    expect(finder.root()).toBeUndefined();
    const prefix = new SharedRootFinder();
    for (const name of ['export-1/export-log.json', 'export-1/Projects/a.eml', 'export-1/Projects/Q1/b.eml']) prefix.add(name);
    expect(prefix.root()).toBe('export-1');
  });

  it('decodes each segment separately, so an encoded slash stays inside its name', () => {
    expect(folderSegmentsOf('root/A &AC8- B/Entw&APw-rfe/x.eml', 'root')).toEqual(['A / B', 'Entwürfe']);
  });
});
