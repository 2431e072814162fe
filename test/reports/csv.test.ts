import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { csvRecord, defuse, duplicatesCsv, failedCsv, importedCsv, messagesCsv, spamCsv } from '../../src/reports/csv.js';
import { line, sampleLines } from './sample.js';

/** The CSV functions give their text in chunks (see toCsv); joined here, as the file would hold it. */
const text = (csv: string | Iterable<string>): string => (typeof csv === 'string' ? csv : [...csv].join(''));
const rows = (csv: string | Iterable<string>): string[][] => parse(text(csv)) as string[][];
const records = (csv: string | Iterable<string>): Array<Record<string, string>> => parse(text(csv), { columns: true }) as Array<Record<string, string>>;

describe('messagesCsv', () => {
  const csv = text(messagesCsv(sampleLines()));

  it('starts with the documented columns, in order', () => {
    expect(rows(csv)[0]).toEqual([
      'zip', 'entry', 'folder', 'subject', 'from', 'date', 'messageId', 'fingerprint', 'size', 'verdict', 'rule', 'error',
      'target', 'state', 'method', 'destinationId', 'collision', 'duplicateOf', 'dateSource', 'headerDefects',
    ]);
    expect(records(csv)[0]).toMatchObject({ dateSource: 'date', headerDefects: '0' });
  });

  it('has one row per entry, and quotes commas, quotes and newlines so they survive a round trip', () => {
    const parsed = records(csv);
    expect(parsed).toHaveLength(sampleLines().length);
    expect(parsed[0]).toMatchObject({ subject: 'Quarterly, "final" figures\nsecond line', size: '1000', state: 'imported', collision: 'false' });
    expect(csv).toContain('"Quarterly, ""final"" figures\nsecond line"');
    expect(parsed[6]).toMatchObject({ zip: 'bob.zip', verdict: 'unreadable', error: 'invalid compressed data <b>', target: '' });
  });

  it('defuses a subject that a spreadsheet would run as a formula', () => {
    expect(records(csv)[1]?.['subject']).toBe(`'=HYPERLINK("http://evil.example","click")`);
  });
});

describe('csvRecord', () => {
  // A small generator of nasty cells, seeded so a failure can be replayed.
  let seed = 20261207;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const alphabet = ['a', 'Z', ' ', ',', '"', '\n', '\r', '\r\n', '=', '+', '-', '@', '\t', 'é', '日', "'", ';', '\u0000'];
  const cell = (): string => Array.from({ length: random(6) }, () => alphabet[random(alphabet.length)]).join('');

  it('writes what csv-stringify writes for the same defused cells, 2,000 random records', () => {
    let compared = 0;
    for (let i = 0; i < 2000; i++) {
      const cells = Array.from({ length: 1 + random(5) }, cell);
      // csv-stringify leaves a carriage return alone unquoted (below); records holding one are not compared.
      if (cells.some((c) => /\r(?!\n)/.test(c))) continue;
      expect(csvRecord(cells)).toBe(stringify([cells.map(defuse)], { record_delimiter: '\n' }));
      compared += 1;
    }
    expect(compared).toBeGreaterThan(1000);
  });

  it('quotes a lone carriage return, which a spreadsheet or parser may take for a line end (RFC 4180 2.6)', () => {
    expect(csvRecord(['a\rb', 'c'])).toBe('"a\rb",c\n');
    expect(parse(csvRecord(['a\rb', 'c']) + csvRecord(['d', 'e']))).toEqual([['a\rb', 'c'], ['d', 'e']]);
  });

  it('round-trips through a CSV parser, numbers and booleans as text', () => {
    const cells = ['a,b', 'say "hi"', 'two\nlines', '', 42, false, '=1+1'];
    expect(parse(csvRecord(cells))).toEqual([['a,b', 'say "hi"', 'two\nlines', '', '42', 'false', "'=1+1"]]);
  });
});

describe('defuse', () => {
  it.each(['=1+1', '+1', '-1', '@SUM(A1)', '\t=1', '\r=1', '\uff1dSUM(1,2)', '\uff0b1', '\uff0d1', '\uff20SUM(A1)'])('prefixes an apostrophe to %j', (value) => {
    expect(defuse(value)).toBe(`'${value}`);
  });
  it('leaves ordinary text, numbers and booleans alone', () => {
    expect(defuse('Re: a=b')).toBe('Re: a=b');
    expect(defuse(-5)).toBe('-5');
    expect(defuse(true)).toBe('true');
  });
  it('applies to every file, e.g. a hostile folder name in spam.csv', () => {
    const csv = text(spamCsv([line({ entry: 'x.eml', folder: '@evil', verdict: 'spam', rule: 'x-spam-flag' })]));
    expect(records(csv)[0]?.['folder']).toBe("'@evil");
  });
});

describe('spamCsv', () => {
  it('lists only spam, with its rule', () => {
    const parsed = records(spamCsv(sampleLines()));
    expect(Object.keys(parsed[0] ?? {})).toEqual(['zip', 'entry', 'folder', 'subject', 'from', 'date', 'messageId', 'size', 'rule']);
    expect(parsed.map((r) => [r['entry'], r['rule'], r['subject']])).toEqual([['Inbox/3.eml', 'x-spam-status', '<script>alert(1)</script>']]);
  });
});

describe('duplicatesCsv', () => {
  const parsed = records(duplicatesCsv(sampleLines()));

  it('names both copies for each duplicate and says why', () => {
    expect(parsed.filter((r) => r['kind'] === 'duplicate')).toEqual([
      expect.objectContaining({ entry: 'Inbox/4.eml', originalZip: 'ann.zip', originalEntry: 'Inbox/1.eml', originalMessageId: '<Inbox/1.eml@example.com>', reason: 'same fingerprint and same Message-ID' }),
      expect.objectContaining({ entry: 'Inbox/5.eml', messageId: '', originalEntry: 'Inbox/1.eml', reason: 'same fingerprint, Message-ID missing on one' }),
    ]);
  });

  it('lists collisions with the message they collided with, both kept', () => {
    expect(parsed.filter((r) => r['kind'] === 'collision')).toEqual([
      expect.objectContaining({ entry: 'Inbox/6.eml', messageId: '<other@example.com>', originalEntry: 'Inbox/1.eml', reason: 'same fingerprint, different Message-IDs: both kept' }),
    ]);
  });

  it('pairs a collision with the first message of its group in the same zip', () => {
    const other = line({ zip: 'old.zip', entry: 'x.eml', fingerprint: 'fp', messageId: '<a@x>' });
    const first = line({ entry: 'y.eml', fingerprint: 'fp', messageId: '<b@x>' });
    const collided = line({ entry: 'z.eml', fingerprint: 'fp', messageId: '<c@x>', collision: true });
    expect(records(duplicatesCsv([other, first, collided]))).toEqual([
      expect.objectContaining({ kind: 'collision', entry: 'z.eml', originalZip: 'ann.zip', originalEntry: 'y.eml', originalMessageId: '<b@x>' }),
    ]);
  });

  it('still names the original when it is not among the lines', () => {
    const orphan = line({ entry: 'b.eml', verdict: 'duplicate', duplicateOf: 'old.zip: a.eml' });
    expect(records(duplicatesCsv([orphan]))[0]).toMatchObject({ originalEntry: 'old.zip: a.eml', reason: 'same fingerprint' });
  });
});

describe('failedCsv and importedCsv', () => {
  it('lists failed messages with their error', () => {
    const parsed = records(failedCsv(sampleLines()));
    expect(Object.keys(parsed[0] ?? {})).toEqual(['zip', 'entry', 'folder', 'subject', 'date', 'messageId', 'error', 'errorClass', 'destinationId']);
    expect(parsed.map((r) => [r['entry'], r['error']])).toEqual([['Inbox/2.eml', 'HTTP 400 ErrorInvalidRecipients']]);
  });

  it('lists imported messages with where they went', () => {
    expect(rows(importedCsv(sampleLines()))).toEqual([
      ['zip', 'entry', 'folder', 'target', 'method', 'destinationId'],
      ['ann.zip', 'Inbox/1.eml', 'Inbox', 'inbox', 'simple-put', 'AAMk1'],
      ['ann.zip', 'Inbox/6.eml', 'Inbox', 'inbox', 'upload-session', 'AAMk6'],
    ]);
  });

  it('writes a header even when there is nothing to list', () => {
    expect(rows(failedCsv([]))).toEqual([['zip', 'entry', 'folder', 'subject', 'date', 'messageId', 'error', 'errorClass', 'destinationId']]);
  });
});

describe('CSV text in chunks', () => {
  it('comes in chunks of whole records that add up to every row, in order', () => {
    const many = Array.from({ length: 2500 }, (_, i) => line({ entry: `m${i}.eml`, subject: `line ${i}\nwith a break, and "quotes"` }));
    const chunks = [...messagesCsv(many)];
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) expect(chunk.endsWith('\n')).toBe(true);
    const parsed = records(chunks.join(''));
    expect(parsed.map((r) => r['entry'])).toEqual(many.map((l) => l.entry));
    expect(parsed[2499]?.['subject']).toBe('line 2499\nwith a break, and "quotes"');
  });
});
