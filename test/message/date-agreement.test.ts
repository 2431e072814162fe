/**
 * eml-import's Date reader against the emulator's independent one (test/emulator/sent-date.ts, which models
 * how Exchange sets sentDateTime) on generated variants of every odd form issue 11 names: where the two
 * disagree, a message's fingerprint date and the destination's sentDateTime would differ.
 */
import { describe, expect, it } from 'vitest';
import { readMailDate } from '../../src/message/date.js';
import { sentSeconds } from '../emulator/sent-date.js';

function variants(): string[] {
  const days = ['', 'Tue, ', 'Tue ', 'Tuesday, ', 'Mar, '];
  const dayNumbers = ['2', '02', '31', '029'];
  const months = ['Jul', 'July', 'Sept', 'jul.', '-Jul-'];
  const years = ['2019', '19', '119', '55'];
  const times = ['11:15:00', '11:15', '9:5:7', '11.15.00', '11:15:00.123', '11:15 PM', '4:12:06 pm', '12:05 AM'];
  const zones = ['+0200', '-0700', '+02:00', '-600', '+05-30', '+-0500', '0530', 'GMT', 'GMT+1', 'UTC-3', 'GMT+05:30', 'GMT +0100', 'pdt', 'Z', '', '-0000', '+02', 'CEST', 'IST', 'Eastern Daylight Time', 'W. Europe Standard Time', 'MET DST', 'H0500', 'A'];
  const tails = ['', ' (PDT)', ' sent from my phone', ' (CEST) x'];
  const out: string[] = [];
  let k = 0;
  for (const d of days) for (const n of dayNumbers) for (const m of months) for (const y of years) for (const t of times) for (const z of zones) for (const tail of tails) if (k++ % 13 === 0) out.push(`${d}${n} ${m} ${y} ${t} ${z}${tail}`);
  out.push('Tue Jul  2 11:15:00 2019', 'Tue Jul 2 11:15:00 CEST 2019', 'Tue Jul 2 11:15:00 2019 +0200', 'July 2, 2019 11:15 AM', 'Tuesday, July 02, 2019 4:12 PM +0200');
  out.push('2019-07-02T11:15:00+02:00', '2019-07-02 11:15:00Z', '2 Jul 2019 11:15:00 +0200 (GMT Daylight Time)', '2 Jul 2019 11:15:00 (Pacific Standard Time)');
  return out;
}

describe('eml-import and the emulator read Date headers alike', () => {
  it('on generated variants of the odd forms', { timeout: 60_000 }, () => {
    const strings = variants();
    expect(strings.length).toBeGreaterThan(20_000);
    const differ = strings.flatMap((s) => {
      const ours = readMailDate(s);
      const oursSeconds = ours === null ? null : Math.floor(ours.date.getTime() / 1000);
      const server = sentSeconds(s);
      return oursSeconds === server ? [] : [`${s}: eml-import ${oursSeconds}, emulator ${server}`];
    });
    expect(differ).toEqual([]);
    expect(strings.filter((s) => readMailDate(s) !== null).length).toBeGreaterThan(15_000);
  });
});
