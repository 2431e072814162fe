/**
 * Message dates as real mail writes them: RFC 5322 with all of its obsolete forms (two-digit years, no day
 * name, comments, named and military zones, no seconds, odd whitespace), plus the asctime form of mbox
 * "From " lines and ISO 8601. Never Date.parse: it reads a zone-less date in the machine's local time
 * zone, so two machines would fingerprint the same message differently.
 */

const MONTHS: ReadonlyMap<string, number> = new Map(
  ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'].map((m, i) => [m, i]),
);

/** RFC 5322 §4.3 obs-zone, in minutes east of UTC. */
const NAMED_ZONES: ReadonlyMap<string, number> = new Map([
  ['ut', 0],
  ['utc', 0],
  ['gmt', 0],
  ['z', 0],
  ['est', -300],
  ['edt', -240],
  ['cst', -360],
  ['cdt', -300],
  ['mst', -420],
  ['mdt', -360],
  ['pst', -480],
  ['pdt', -420],
]);

function stripComments(s: string): string {
  if (!s.includes('(')) return s;
  let out = '';
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && depth > 0) {
      i++;
    } else if (c === '(') {
      depth++;
      out += ' ';
    } else if (c === ')' && depth > 0) {
      depth--;
    } else if (depth === 0) {
      out += c;
    }
  }
  return out;
}

/** RFC 5322 §4.3: 00-49 are 2000-2049, 50-99 and three-digit years count from 1900. */
function fullYear(text: string): number {
  const y = Number(text);
  if (text.length === 2) return y < 50 ? 2000 + y : 1900 + y;
  if (text.length === 3) return 1900 + y;
  return y;
}

/** Minutes east of UTC; undefined for something that is not a zone. */
function zoneOffset(zone: string | undefined): number | undefined {
  if (zone === undefined || zone === '') return 0; // no zone at all: UTC is the only deterministic reading
  // three digits ("-600") is a known writer's bug for -0600
  const numeric = /^([+-])(\d{1,2}):?(\d\d)$/.exec(zone);
  if (numeric) {
    const minutes = Number(numeric[2]) * 60 + Number(numeric[3]);
    return numeric[1] === '-' ? -minutes : minutes;
  }
  const named = NAMED_ZONES.get(zone.toLowerCase());
  if (named !== undefined) return named;
  // Military letters: RFC 1123 found RFC 822 had their signs backwards, so RFC 5322 says treat as -0000;
  // likewise any other alphabetic zone whose meaning is not known (JST, CEST, ...), RFC 5322 §4.3.
  if (/^[a-z]{1,5}$/i.test(zone) && zone.toLowerCase() !== 'j') return 0;
  return undefined;
}

function build(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  offsetMinutes: number,
): Date | null {
  // 60 is a leap second; Date folds it into the next minute, which is close enough
  if (day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  const local = Date.UTC(year, month, day, hour, minute, second);
  const check = new Date(local);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month) return null; // 31 Feb and friends
  const t = local - offsetMinutes * 60_000;
  return Number.isFinite(t) ? new Date(t) : null;
}

const TIME = String.raw`(\d{1,2}):(\d\d)(?::(\d\d)(?:\.\d+)?)?(?:\s*([ap])\.?m\.?)?`;
const ZONE = String.raw`([+-]\d{1,2}:?\d\d|[a-z]{1,5})`;
// [day-name[,]] day month year time [zone]; the day may be written with three digits ("029")
const RFC5322 = new RegExp(String.raw`^(?:[a-z]+,?\s*)?(\d{1,3})[\s-]*([a-z]{3})[a-z]*\.?[\s-]*(\d{2,4}),?\s+${TIME}\s*${ZONE}?$`, 'i');
// asctime / mbox: [day-name] month day time [zone] year, e.g. "Tue Nov  2 14:11:25 2026"
const ASCTIME = new RegExp(String.raw`^(?:[a-z]+,?\s*)?([a-z]{3})[a-z]*\s+(\d{1,2})\s+${TIME}\s*(?:${ZONE}\s+)?(\d{4})$`, 'i');
// US style: [day-name,] Month day, year time [zone], e.g. "Thursday, April 09, 2003 9:00 AM"
const MONTH_FIRST = new RegExp(String.raw`^(?:[a-z]+,?\s*)?([a-z]{3})[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4}),?\s+${TIME}\s*${ZONE}?$`, 'i');
const ISO8601 = new RegExp(String.raw`^(\d{4})-(\d\d)-(\d\d)[t\s]${TIME}\s*(z|[+-]\d\d:?\d\d)?$`, 'i');

/** 12-hour clock to 24-hour; undefined for an impossible hour. */
function hour24(hour: string | undefined, meridiem: string | undefined): number | undefined {
  const h = Number(hour);
  if (meridiem === undefined) return h;
  if (h < 1 || h > 12) return undefined;
  return (h % 12) + (meridiem.toLowerCase() === 'p' ? 12 : 0);
}

/** Parses a Date header value (or the date part of a Received header); null when it is not a date. */
export function parseMailDate(value: string): Date | null {
  const s = stripComments(value).replace(/\s+/g, ' ').trim();
  // each form yields [year, month name or number, day, hour, minute, second, meridiem, zone]
  let parts: [string, string, string, string, string, string | undefined, string | undefined, string | undefined] | null = null;
  let m = RFC5322.exec(s);
  if (m) parts = [m[3] ?? '', m[2] ?? '', m[1] ?? '', m[4] ?? '', m[5] ?? '', m[6], m[7], m[8]];
  else if ((m = ASCTIME.exec(s))) parts = [m[8] ?? '', m[1] ?? '', m[2] ?? '', m[3] ?? '', m[4] ?? '', m[5], m[6], m[7]];
  else if ((m = MONTH_FIRST.exec(s))) parts = [m[3] ?? '', m[1] ?? '', m[2] ?? '', m[4] ?? '', m[5] ?? '', m[6], m[7], m[8]];
  else if ((m = ISO8601.exec(s))) parts = [m[1] ?? '', m[2] ?? '', m[3] ?? '', m[4] ?? '', m[5] ?? '', m[6], m[7], m[8]];
  if (!parts) return null;
  const [year, monthText, day, hour, minute, second, meridiem, zone] = parts;
  const month = /^\d+$/.test(monthText) ? Number(monthText) - 1 : MONTHS.get(monthText.toLowerCase());
  const offset = zoneOffset(zone);
  const h = hour24(hour, meridiem);
  if (month === undefined || offset === undefined || h === undefined) return null;
  return build(fullYear(year), month, Number(day), h, Number(minute), Number(second ?? 0), offset);
}

/** The date a Received header records: the part after its last ';'. */
export function receivedDate(received: string): Date | null {
  const semi = received.lastIndexOf(';');
  return semi === -1 ? null : parseMailDate(received.slice(semi + 1));
}
