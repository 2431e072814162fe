import { describe, expect, it } from 'vitest';
import { parseMailDate, parseTolerantDate } from '../../src/message/date.js';

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

/** Date strings around the common form: it, and each way of leaving it that the fast reader must notice. */
function variants(): string[] {
  const out: string[] = [];
  const days = ['', 'Tue, ', 'Tue ', 'tue,', 'Tuesday, ', '  Tue,  ', 'Tue,\t'];
  const dayNumbers = ['2', '02', '029', '31', '0', '29', ''];
  const months = ['Jul', 'jul', 'JUL', 'July', 'Feb', 'Xyz', 'Jul.', '-Jul-'];
  const years = ['2019', '19', '119', '20190', '2000'];
  const times = ['11:15:00', '11:15', '9:05:07', '24:00:00', '23:59:60', '11:15:00.123', '11:15 PM', '1:5:00', '11:15:0', '111:15'];
  const zones = ['+0200', '-0700', '+02:00', '-600', 'GMT', 'pdt', 'Z', '', '+9999', '-0000', '+02', '+02000', '0200'];
  const tails = ['', ' (PDT)', '(UTC)', ' (a (nested) c)', ' (unterminated', ' (x\\)y)', '\t', ' x', ' (a) (b)', ')'];
  let k = 0;
  for (const d of days)
    for (const n of dayNumbers)
      for (const m of months)
        for (const y of years)
          for (const t of times)
            for (const z of zones)
              for (const tail of tails) if (k++ % 53 === 0) out.push(`${d}${n} ${m} ${y} ${t} ${z}${tail}`);
  out.push(
    'Tue, 2 Jul 2019 11:15:00 +0200',
    'Tue,2 Jul 2019 11:15:00 +0200',
    'Tue2 Jul 2019 11:15:00 +0200',
    'Tue, 2Jul 2019 11:15:00 +0200',
    'Tue, 2 Jul2019 11:15:00 +0200',
    'Tue, 2 Jul 2019 11:15:00+0200',
    'Tue, 2 Jul 2019\t11:15:00\t+0200 (CEST)\t',
    'Tue, 31 Feb 2019 11:15:00 +0200',
    'Tue, 2 Jul 2019 11:15:00 (c) +0200',
    '(c) Tue, 2 Jul 2019 11:15:00 +0200',
    'Tue, 2 Jul 2019 11:15:00 +0200 (PDT) x',
    'Tue, 2 Jul 2019 11:15:00 +0200 ()',
    'Tue, 2 Jul 2019 11:15:00 +0200\u00a0',
    'Tue, 2 Jul 2019 11:15:00 +0200\r\n',
  );
  return out;
}

describe('parseMailDate common-form reader', () => {
  it('gives what the tolerant parser gives, on the common form and everything near it', () => {
    const strings = variants();
    expect(strings.length).toBeGreaterThan(10_000);
    const differ = strings.filter((s) => iso(parseMailDate(s)) !== iso(parseTolerantDate(s)));
    expect(differ).toEqual([]);
    // and enough of them are dates in the common form for the comparison to mean something
    expect(strings.filter((s) => /^[^(]*\d\d:\d\d(:\d\d)? [+-]\d{4}\b/.test(s) && parseMailDate(s) !== null).length).toBeGreaterThan(500);
  });

  it('reads the common form', () => {
    expect(iso(parseMailDate('Wed, 13 Nov 2024 08:02:41 -0700 (PDT)'))).toBe('2024-11-13T15:02:41.000Z');
    expect(iso(parseMailDate('3 Jan 2023 07:45 -0500'))).toBe('2023-01-03T12:45:00.000Z');
    expect(parseMailDate('Tue, 31 Feb 2019 11:15:00 +0200')).toBeNull();
  });
});
