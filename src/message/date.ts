/**
 * Message dates as real mail writes them, read at least as leniently as Python's
 * email.utils.parsedate_to_datetime and, where the two differ, as a careful reader would: RFC 5322 with all
 * of its obsolete forms (two-digit years, no day name, comments, named and military zones, no seconds),
 * one-digit time fields, dots for colons, AM/PM, zones with odd separators or a stray sign (`+05-30`,
 * `+-0500`, `0530`), `GMT+1`, Windows zone names, text after the zone, the asctime form of mbox "From "
 * lines and ISO 8601. Never Date.parse: it reads a zone-less date in the machine's local time zone, so two
 * machines would fingerprint the same message differently.
 */
import { ZONE_NAMES, ZONE_NAME_MAX_WORDS } from './zone-names.js';

/** A date read from a header, and whether its zone had to be assumed. */
export interface MailDate {
  readonly date: Date;
  /** No zone, or one that is not known (RFC 5322 §4.3): the time was read as UTC. */
  readonly zoneAssumed: boolean;
}

const MONTH_NAMES = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const MONTHS: ReadonlyMap<string, number> = new Map(MONTH_NAMES.map((m, i) => [m.slice(0, 3), i]));

/** The month a word names ("Jul", "July", "Sept", "jul."), or undefined. */
function monthOf(word: string): number | undefined {
  const w = word.toLowerCase().replace(/\.$/, '');
  const month = MONTHS.get(w.slice(0, 3));
  if (month === undefined) return undefined;
  return w.length === 3 || MONTH_NAMES[month]!.startsWith(w) ? month : undefined;
}

/** The text outside comments, and the text of each top-level comment ("(EDT)" → "EDT"). */
function splitComments(s: string): { text: string; comments: string[] } {
  if (!s.includes('(')) return { text: s, comments: [] };
  let text = '';
  const comments: string[] = [];
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && depth > 0) {
      i++;
    } else if (c === '(') {
      if (depth === 0) comments.push('');
      depth++;
      text += ' ';
    } else if (c === ')' && depth > 0) {
      depth--;
    } else if (depth === 0) {
      text += c;
    } else {
      comments.push(comments.pop() + (c ?? ''));
    }
  }
  return { text, comments };
}

/**
 * RFC 5322 §4.3: 00-49 are 2000-2049, 50-99 and three-digit years count from 1900 ("102" is what
 * Y2K-broken software wrote for 2002). Python reads 50-68 as 2050-2068 (POSIX) and keeps three-digit years
 * as they are; the RFC's reading is the one a mail reader gives.
 */
function fullYear(text: string): number {
  const y = Number(text);
  if (text.length <= 2) return y < 50 ? 2000 + y : 1900 + y;
  if (text.length === 3) return 1900 + y;
  return y;
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
  if (day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60 || year < 1000 || year > 9999) return null;
  // The day is checked before the time is added: 23:59:60, where every real leap second falls, rolls over
  // into the next day and must not read as an impossible date.
  const midnight = Date.UTC(year, month, day);
  const check = new Date(midnight);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month) return null; // 31 Feb and friends
  const local = midnight + ((hour * 60 + minute) * 60 + second) * 1000;
  const t = local - offsetMinutes * 60_000;
  return Number.isFinite(t) ? new Date(t) : null;
}

/** 12-hour clock to 24-hour. "13:00 PM" is 13:00: the hour says more than the suffix. */
function hour24(h: number, meridiem: string | undefined): number {
  if (meridiem === undefined || h > 12) return h;
  return (h % 12) + (meridiem.toLowerCase() === 'p' ? 12 : 0);
}

/**
 * The time: h:m[:s[.fraction]] with one- or two-digit fields (`10:28:3`), or dots for colons (`10.28.03`,
 * as some mailers write; the separator must be the same throughout), then an optional AM/PM.
 */
const TIME = /(?<![\d:.])(\d{1,2})([:.])(\d{1,2})(?:\2(\d{1,2})(?:[.,]\d+)?)?(?![\d:]|\.\d)(?:\s?([ap])\.?\s?m(?:\.|\b))?/i;
/** A numeric zone with any sign run (`+-0500`: the last sign counts), `+05-30`, `+05:30`, `+5`, `-600`. */
const NUMERIC_ZONE = /^([+-]+)?(\d{1,4})(?:[:.-](\d\d))?(?![\d:])/;
/** `GMT+1`, `UTC-3`, `GMT+05:30`, `GMT +0100`: an offset from UTC, whatever POSIX TZ strings mean by it. */
const UTC_OFFSET_ZONE = /^(?:gmt|utc|ut)\s?([+-])\s?(\d{1,2})(?:[:.]?(\d\d))?(?![\d:])/i;
const YEAR_AFTER_TIME = /^(\d{4}|\d{2})(?![\d:])/;

/** Minutes east of UTC, or null for a zone that is not known; and the text after it. */
/**
 * Whether hours and minutes make a zone offset: one of a day or more (+9900, -2400) is no zone Python or
 * Exchange would accept, and read as 99 hours it moved a date by four days.
 */
function isZoneOffset(hours: number, minutes: number): boolean {
  return hours <= 23 && minutes <= 59;
}

function readZone(s: string): { minutes: number | null; rest: string } {
  const offset = UTC_OFFSET_ZONE.exec(s);
  if (offset) {
    if (!isZoneOffset(Number(offset[2]), Number(offset[3] ?? 0))) return { minutes: null, rest: s.slice(offset[0].length).trim() };
    const minutes = Number(offset[2]) * 60 + Number(offset[3] ?? 0);
    return { minutes: offset[1] === '-' ? -minutes : minutes, rest: s.slice(offset[0].length).trim() };
  }
  const numeric = NUMERIC_ZONE.exec(s);
  const digits = numeric?.[2] ?? '';
  // unsigned, only the four digits of an hhmm offset ("0530"); anything shorter is not a zone
  if (numeric && (numeric[1] !== undefined || (digits.length === 4 && numeric[3] === undefined)) && !(numeric[3] !== undefined && digits.length > 2)) {
    const [h, m] = numeric[3] !== undefined ? [digits, numeric[3]] : digits.length <= 2 ? [digits, '0'] : [digits.slice(0, -2), digits.slice(-2)];
    if (!isZoneOffset(Number(h), Number(m))) return { minutes: null, rest: s.slice(numeric[0].length).trim() };
    const minutes = Number(h) * 60 + Number(m);
    const negative = numeric[1]?.endsWith('-') ?? false;
    return { minutes: negative ? -minutes : minutes, rest: s.slice(numeric[0].length).trim() };
  }
  const words = s.split(' ');
  for (let n = Math.min(ZONE_NAME_MAX_WORDS, words.length); n >= 1; n--) {
    const named = ZONE_NAMES.get(words.slice(0, n).join(' ').toLowerCase().replace(/\./g, ''));
    if (named === undefined) continue;
    // "MET DST", as old Unix mailers wrote summer time
    const dst = words[n]?.toLowerCase() === 'dst';
    return { minutes: named + (dst ? 60 : 0), rest: words.slice(n + (dst ? 1 : 0)).join(' ') };
  }
  return { minutes: null, rest: words.slice(1).join(' ') };
}

/** A day and year written as digits, in either order ("27 May 2002", "May 8, 2005", "2002 May 27"). */
function isYearLike(digits: string): boolean {
  return digits.length === 4 || Number(digits) > 31 || (digits.length === 3 && !digits.startsWith('0'));
}

/**
 * The tolerant reader, for every form parseMailDate accepts. It finds the time first, reads the date from
 * the words before it (weekday names and other words are skipped), then a year (asctime puts it after the
 * time) and the zone from what follows; anything after the zone is ignored, as Python does.
 */
export function readTolerantDate(value: string): MailDate | null {
  const { text, comments } = splitComments(value);
  // a first word with a comma is the day name, whatever its language ("Mar," is Spanish Tuesday, not March)
  const s = text.replace(/\s+/g, ' ').replace(/^[ "']+|[ "']+$/g, '').replace(/^[^\s\d,]+,/, '');
  const time = TIME.exec(s);
  if (!time) return null;
  const words = s
    .slice(0, time.index)
    .replace(/([a-z])(?=\d)|(\d)(?=[a-z])/gi, '$1$2 ')
    .split(/[\s,/-]+/)
    .filter((w) => w !== '');
  let month: number | undefined;
  const numbers: string[] = [];
  for (const word of words) {
    if (/^\d+$/.test(word)) numbers.push(word);
    else if (month === undefined && /^[a-z]+\.?$/i.test(word)) month = monthOf(word);
  }
  let day: string | undefined;
  let year: string | undefined;
  if (month !== undefined) {
    let [a, b] = numbers;
    if (a !== undefined && b !== undefined && isYearLike(a) && !isYearLike(b)) [a, b] = [b, a];
    day = a;
    year = b;
  } else if (numbers.length >= 3 && numbers[0]!.length === 4) {
    // ISO 8601, 2019-07-02T09:15:00+02:00
    [year, , day] = numbers;
    month = Number(numbers[1]) - 1;
  }
  if (month === undefined || day === undefined || isYearLike(day)) return null;

  let rest = s.slice(time.index + time[0].length).trim();
  let zone: number | null | undefined;
  while (rest !== '' && (year === undefined || zone === undefined)) {
    const y = year === undefined ? YEAR_AFTER_TIME.exec(rest) : null;
    if (y) {
      year = y[1];
      rest = rest.slice(y[0].length).trim();
    } else if (zone === undefined) {
      ({ minutes: zone, rest } = readZone(rest));
    } else {
      break;
    }
  }
  if (year === undefined) return null;
  // no zone in the text, or an unknown one: a zone named in a comment, "13:30:00 (EDT)"
  for (const comment of comments) {
    if (zone !== undefined && zone !== null) break;
    const named = readZone(comment.replace(/\s+/g, ' ').trim()).minutes;
    if (named !== null) zone = named;
  }
  const hour = hour24(Number(time[1]), time[5]);
  const date = build(fullYear(year), month, Number(day), hour, Number(time[3]), Number(time[4] ?? 0), zone ?? 0);
  return date === null ? null : { date, zoneAssumed: zone === undefined || zone === null };
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
  const [hours, zoneMinutes] = [digitsValue(s, i + 1, i + 3), digitsValue(s, i + 3, end)];
  // not a zone (+9900): the tolerant parser reads it as unknown
  if (!isZoneOffset(hours, zoneMinutes)) return undefined;
  const minutes = hours * 60 + zoneMinutes;
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

/** Reads a Date header value (or the date part of a Received header); null when it holds no date and time. */
export function readMailDate(value: string): MailDate | null {
  const common = parseCommonForm(value);
  if (common === undefined) return readTolerantDate(value);
  return common === null ? null : { date: common, zoneAssumed: false };
}

/** The instant of readMailDate, for callers that do not care how the zone was found. */
export function parseMailDate(value: string): Date | null {
  return readMailDate(value)?.date ?? null;
}

/** The instant of readTolerantDate; exported to check the common-form reader against it. */
export function parseTolerantDate(value: string): Date | null {
  return readTolerantDate(value)?.date ?? null;
}

/** The date a Received header records: the part after its last ';'. */
export function receivedDate(received: string): Date | null {
  const semi = received.lastIndexOf(';');
  return semi === -1 ? null : parseMailDate(received.slice(semi + 1));
}
