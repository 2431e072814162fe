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

const SPACE = 0x20;
const TAB = 0x09;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** The offset after any spaces and tabs from `i`. */
function skipSpace(s: string, i: number): number {
  while (i < s.length && (s.charCodeAt(i) === SPACE || s.charCodeAt(i) === TAB)) i++;
  return i;
}

/** The offset after the run of digits from `i`. */
function digitsEnd(s: string, i: number): number {
  while (i < s.length && isDigit(s.charCodeAt(i))) i++;
  return i;
}

/** The value of the digits from `start` to `end`. */
function digitsValue(s: string, start: number, end: number): number {
  let value = 0;
  for (let i = start; i < end; i++) value = value * 10 + s.charCodeAt(i) - 0x30;
  return value;
}

/**
 * The form nearly every message writes, `[Day,] D Mon YYYY HH:MM[:SS] +HHMM [(comment)]`, read without
 * regular expressions or string copies. Anything else (obsolete forms, named zones, odd punctuation,
 * nested or escaped comments) is left to the tolerant parser: undefined means "not this form". On what it
 * accepts it gives exactly what the tolerant parser gives (the tests compare the two).
 */
function parseCommonForm(s: string): Date | null | undefined {
  const n = s.length;
  let i = skipSpace(s, 0);
  if (i < n && isLetter(s.charCodeAt(i))) {
    while (i < n && isLetter(s.charCodeAt(i))) i++;
    if (s.charCodeAt(i) === 0x2c) i++; // ','
    i = skipSpace(s, i);
  }
  let end = digitsEnd(s, i);
  if (end - i < 1 || end - i > 2) return undefined;
  const day = digitsValue(s, i, end);
  i = skipSpace(s, end);
  if (i + 3 >= n || !isLetter(s.charCodeAt(i)) || !isLetter(s.charCodeAt(i + 1)) || !isLetter(s.charCodeAt(i + 2))) return undefined;
  const month = MONTHS.get(s.slice(i, i + 3).toLowerCase());
  if (month === undefined) return undefined;
  i = skipSpace(s, i + 3);
  end = digitsEnd(s, i);
  if (end - i !== 4 || (s.charCodeAt(i - 1) !== SPACE && s.charCodeAt(i - 1) !== TAB)) return undefined;
  const year = digitsValue(s, i, end);
  i = skipSpace(s, end);
  if (i === end) return undefined;
  end = digitsEnd(s, i);
  if (end - i < 1 || end - i > 2 || s.charCodeAt(end) !== 0x3a) return undefined; // ':'
  const hour = digitsValue(s, i, end);
  i = end + 1;
  end = digitsEnd(s, i);
  if (end - i !== 2) return undefined;
  const minute = digitsValue(s, i, end);
  let second = 0;
  if (s.charCodeAt(end) === 0x3a) {
    i = end + 1;
    end = digitsEnd(s, i);
    if (end - i !== 2) return undefined;
    second = digitsValue(s, i, end);
  }
  i = skipSpace(s, end);
  const sign = s.charCodeAt(i);
  if (sign !== 0x2b && sign !== 0x2d) return undefined; // '+', '-'
  end = digitsEnd(s, i + 1);
  if (end - (i + 1) !== 4) return undefined;
  const minutes = digitsValue(s, i + 1, i + 3) * 60 + digitsValue(s, i + 3, end);
  i = skipSpace(s, end);
  if (i < n) {
    // one trailing comment, "(PDT)", and nothing after it
    if (s.charCodeAt(i) !== 0x28) return undefined; // '('
    const close = s.indexOf(')', i + 1);
    if (close === -1) return undefined;
    for (let j = i + 1; j < close; j++) {
      const c = s.charCodeAt(j);
      if (c === 0x28 || c === 0x5c) return undefined; // nested comment or quoted pair
    }
    if (skipSpace(s, close + 1) < n) return undefined;
  }
  return build(year, month, day, hour, minute, second, sign === 0x2d ? -minutes : minutes);
}

/** Parses a Date header value (or the date part of a Received header); null when it is not a date. */
export function parseMailDate(value: string): Date | null {
  const common = parseCommonForm(value);
  return common === undefined ? parseTolerantDate(value) : common;
}

/** The tolerant parser, for every form parseMailDate accepts; exported to check the common-form reader. */
export function parseTolerantDate(value: string): Date | null {
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
