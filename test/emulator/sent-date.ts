/**
 * How the emulator, as Exchange, reads a message's Date header into sentDateTime. Written apart from
 * eml-import's own reader (never import src/ here): a disagreement between the two must show up in tests.
 *
 * mailparser's `date` is `new Date(value)`: V8's legacy parser, which reads a zone-less date in the machine's
 * local zone and gives "now" for anything it cannot read (`10:28:3`, `+05-30`, `4:12:06 PM EDT`, ...). So this
 * starts as Python's email.utils._parsedate_tz does (split on whitespace, drop the day name up to its
 * comma, split RFC 850's "27-May-02", day before year) and then classifies the words around the time,
 * widened for what Exchange also reads: AM/PM, dots for colons, glued or odd offsets, `GMT+1`, Windows
 * zone names, words after the zone. An unknown zone is UTC (RFC 5322 §4.3).
 */

const MONTH_PREFIXES = 'jan feb mar apr may jun jul aug sep oct nov dec'.split(' ');
const DAY_PREFIXES = 'mon tue wed thu fri sat sun'.split(' ');

/** Zone names to "+hhmm" offsets; Windows' names as Exchange knows them, and the usual abbreviations. */
const OFFSETS: Readonly<Record<string, string>> = {
  UT: '+0000', UTC: '+0000', GMT: '+0000', Z: '+0000',
  EST: '-0500', EDT: '-0400', CST: '-0600', CDT: '-0500', MST: '-0700', MDT: '-0600', PST: '-0800', PDT: '-0700',
  AST: '-0400', ADT: '-0300', AKST: '-0900', AKDT: '-0800', HST: '-1000', NST: '-0330', NDT: '-0230',
  WET: '+0000', WEST: '+0100', BST: '+0100', CET: '+0100', CEST: '+0200', MET: '+0100', MEST: '+0200', MEZ: '+0100', MESZ: '+0200',
  EET: '+0200', EEST: '+0300', MSK: '+0300', MSD: '+0400', SAST: '+0200', PKT: '+0500', WIB: '+0700', ICT: '+0700',
  HKT: '+0800', SGT: '+0800', AWST: '+0800', JST: '+0900', KST: '+0900', ACST: '+0930', ACDT: '+1030', AEST: '+1000', AEDT: '+1100',
  NZST: '+1200', NZDT: '+1300',
  'EASTERN STANDARD TIME': '-0500', 'EASTERN DAYLIGHT TIME': '-0400', 'US EASTERN STANDARD TIME': '-0500',
  'CENTRAL STANDARD TIME': '-0600', 'CENTRAL DAYLIGHT TIME': '-0500',
  'MOUNTAIN STANDARD TIME': '-0700', 'MOUNTAIN DAYLIGHT TIME': '-0600', 'US MOUNTAIN STANDARD TIME': '-0700',
  'PACIFIC STANDARD TIME': '-0800', 'PACIFIC DAYLIGHT TIME': '-0700',
  'ALASKAN STANDARD TIME': '-0900', 'ALASKAN DAYLIGHT TIME': '-0800', 'HAWAIIAN STANDARD TIME': '-1000',
  'ATLANTIC STANDARD TIME': '-0400', 'ATLANTIC DAYLIGHT TIME': '-0300',
  'GMT STANDARD TIME': '+0000', 'GMT DAYLIGHT TIME': '+0100', 'GREENWICH STANDARD TIME': '+0000', 'COORDINATED UNIVERSAL TIME': '+0000',
  'W. EUROPE STANDARD TIME': '+0100', 'W. EUROPE DAYLIGHT TIME': '+0200',
  'CENTRAL EUROPE STANDARD TIME': '+0100', 'CENTRAL EUROPE DAYLIGHT TIME': '+0200',
  'CENTRAL EUROPEAN STANDARD TIME': '+0100', 'CENTRAL EUROPEAN DAYLIGHT TIME': '+0200',
  'ROMANCE STANDARD TIME': '+0100', 'ROMANCE DAYLIGHT TIME': '+0200',
  'E. EUROPE STANDARD TIME': '+0200', 'E. EUROPE DAYLIGHT TIME': '+0300', 'FLE STANDARD TIME': '+0200', 'FLE DAYLIGHT TIME': '+0300',
  'GTB STANDARD TIME': '+0200', 'GTB DAYLIGHT TIME': '+0300', 'RUSSIAN STANDARD TIME': '+0300',
  'INDIA STANDARD TIME': '+0530', 'CHINA STANDARD TIME': '+0800', 'TOKYO STANDARD TIME': '+0900', 'KOREA STANDARD TIME': '+0900',
  'AUS EASTERN STANDARD TIME': '+1000', 'AUS EASTERN DAYLIGHT TIME': '+1100',
  'NEW ZEALAND STANDARD TIME': '+1200', 'NEW ZEALAND DAYLIGHT TIME': '+1300',
  'CENTRAL EUROPEAN TIME': '+0100', 'CENTRAL EUROPEAN SUMMER TIME': '+0200', 'BRITISH SUMMER TIME': '+0100',
};

/** "+hhmm"-style text (any sign run, optional ':' '.' or '-' between hours and minutes) to seconds east of UTC. */
function offsetSeconds(text: string): number | null {
  const m = /^([+-]*)(\d+)(?:[:.-](\d\d))?$/.exec(text);
  if (!m || (m[1] === '' && (m[2]!.length !== 4 || m[3] !== undefined))) return null;
  const digits = m[2]!;
  if (digits.length > 4 || (m[3] !== undefined && digits.length > 2)) return null;
  const hours = m[3] !== undefined || digits.length <= 2 ? Number(digits) : Math.floor(Number(digits) / 100);
  const minutes = m[3] !== undefined ? Number(m[3]) : digits.length <= 2 ? 0 : Number(digits) % 100;
  const seconds = hours * 3600 + minutes * 60;
  return m[1]!.endsWith('-') ? -seconds : seconds;
}

/** The zone in the words after the time, in seconds east of UTC; null when none is known. */
function zoneOf(words: readonly string[]): number | null {
  const first = words[0];
  if (first === undefined) return null;
  const numeric = offsetSeconds(first);
  if (numeric !== null) return numeric;
  const utcPlus = /^(?:GMT|UTC|UT)([+-]\d{1,2})(?::?(\d\d))?$/i.exec(first);
  if (utcPlus) return Number(utcPlus[1]) * 3600 + Math.sign(Number(utcPlus[1]) || 1) * Number(utcPlus[2] ?? 0) * 60;
  if (/^(?:GMT|UTC)$/i.test(first) && words[1] !== undefined && offsetSeconds(words[1]) !== null && /^[+-]/.test(words[1])) return offsetSeconds(words[1]);
  for (let n = Math.min(5, words.length); n >= 1; n--) {
    const name = words.slice(0, n).join(' ').toUpperCase();
    const offset = OFFSETS[name];
    if (offset !== undefined) return offsetSeconds(offset)! + (words[n]?.toUpperCase() === 'DST' ? 3600 : 0);
  }
  return null;
}

/** Seconds since 1970 for a Date header value, or null when it holds no date and time Exchange reads. */
export function sentSeconds(header: string): number | null {
  // comments go, but a zone named only in one ("13:30:00 (EDT)") still counts, after the zone outside it
  const comments: string[] = [];
  let text = header;
  for (let previous = ''; previous !== text; ) {
    previous = text;
    text = text.replace(/\(([^()]*)\)/g, (_, inner: string) => {
      comments.push(inner.trim());
      return ' ';
    });
  }
  let words = text.replace(/^\s*['"]|['"]\s*$/g, '').split(/\s+/).filter((w) => w !== '');
  // the day name, with or without its comma, or glued to the day ("Thu,29")
  if (words[0] !== undefined) {
    const comma = words[0].lastIndexOf(',');
    if (comma >= 0) words[0] = words[0].slice(comma + 1);
    else if (DAY_PREFIXES.includes(words[0].slice(0, 3).toLowerCase()) && /^[a-z]+$/i.test(words[0])) words[0] = '';
  }
  words = words.flatMap((w) => w.split(',')).map((w) => w.replace(/^-+(?=[a-z])|(?<=[a-z])-+$/gi, '')).filter((w) => w !== '');
  // RFC 850, "27-May-02"; ISO 8601, "2016-07-19"
  words = words.flatMap((w) => {
    if (/^\d+-[a-z]+-\d+$/i.test(w)) return w.split('-');
    const iso = /^(\d{4})-(\d\d)-(\d\d)(?:T(.+))?$/i.exec(w);
    return iso ? (iso.slice(1).filter((p) => p !== undefined) as string[]) : [w];
  });
  // a time glued to its offset, "10:28:03+0200"
  words = words.flatMap((w) => {
    const glued = /^(\d{1,2}[:.]\d{1,2}(?:[:.]\d{1,2}(?:\.\d+)?)?)([+-][\d:]+|Z)$/i.exec(w);
    return glued ? [glued[1]!, glued[2]!] : [w];
  });
  const at = words.findIndex((w) => /^\d{1,2}([:.])\d{1,2}(?:\1\d{1,2}(?:[.,]\d+)?)?$/.test(w));
  if (at < 0) return null;
  const time = words[at]!.split(/[:.,]/).map(Number);
  const before = words.slice(0, at).filter((w) => w.toLowerCase() !== 'at');
  let after = words.slice(at + 1);

  let month = -1;
  const numbers: string[] = [];
  for (const w of before) {
    const m = MONTH_PREFIXES.indexOf(w.slice(0, 3).toLowerCase());
    if (/^\d+$/.test(w)) numbers.push(w);
    else if (m >= 0 && month < 0 && /^[a-z]+\.?$/i.test(w)) month = m;
  }
  let day: string | undefined;
  let year: string | undefined;
  if (month < 0) {
    if (numbers.length !== 3 || numbers[0]!.length !== 4) return null;
    [year, , day] = numbers;
    month = Number(numbers[1]) - 1;
  } else if (numbers.length === 1) {
    day = numbers[0];
  } else if (numbers.length >= 2) {
    // day then year, as Python takes them, unless the first can only be a year ("2002 May 27")
    const [a, b] = numbers as [string, string];
    [day, year] = (a.length === 4 || Number(a) > 31) && Number(b) <= 31 ? [b, a] : [a, b];
  }
  if (day === undefined || day.length > 3) return null;

  let meridiem: string | undefined;
  if (after[0] !== undefined && /^[ap]\.?m\.?$/i.test(after[0])) {
    meridiem = after[0][0]!.toLowerCase();
    after = after.slice(1);
  }
  if (year === undefined) {
    // asctime: "Mon May 27 10:28:03 [zone] 2002"
    const y = after.findIndex((w) => /^\d{4}$/.test(w));
    if (y < 0 || y > 1) return null;
    year = after[y];
    after = after.filter((_, i) => i !== y);
  }
  let zone = zoneOf(after);
  for (const comment of comments) if (zone === null) zone = zoneOf(comment.split(/\s+/));

  let y = Number(year);
  if (year!.length <= 2) y += y < 50 ? 2000 : 1900;
  else if (year!.length === 3) y += 1900;
  const [clock = 0, minute = 0, second = 0] = time;
  const hour = meridiem !== undefined && clock <= 12 ? (clock % 12) + (meridiem === 'p' ? 12 : 0) : clock;
  const d = Number(day);
  if (month < 0 || month > 11 || d < 1 || d > 31 || hour > 23 || minute > 59 || second > 60 || y < 1000 || y > 9999) return null;
  const wall = Date.UTC(y, month, d, hour, minute, second) / 1000;
  if (new Date(wall * 1000).getUTCMonth() !== month) return null;
  return wall - (zone ?? 0);
}

/** The first Date field of a header block, unfolded, as latin1 text; undefined when there is none. */
export function dateField(headerBlock: string): string | undefined {
  const match = /^date[ \t]*:(.*(?:\r?\n[ \t].*)*)/im.exec(headerBlock);
  return match?.[1]?.replace(/\r?\n/g, '').trim();
}
