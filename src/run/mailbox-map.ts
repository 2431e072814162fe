import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { canonicalZipLocation, isS3Uri } from '../source/zip-location.js';
import { parse } from 'csv-parse/sync';
import { UsageError } from '../accounting/errors.js';
import { looksLikeMailbox, mailboxAddress } from '../policy/mailbox-address.js';

/** A row of map.csv: which mailbox a zip (or every zip matching a glob) goes to (policy/mailbox-address.ts). */
export interface MapRule {
  readonly zip: string;
  readonly mailbox: string;
  /** Its line in map.csv, when read from one. */
  readonly row?: number;
}

export function readMapFile(path: string): MapRule[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--map ${path}: ${(error as Error).message}`);
  }
  let header: string[] | null = null;
  const columns = (names: string[]): string[] => {
    header = names.map((h) => h.trim().toLowerCase());
    return header;
  };
  let records: Array<{ record: Record<string, string>; info: { lines: number } }>;
  try {
    records = parse(text, { columns, skip_empty_lines: true, trim: true, bom: true, info: true }) as typeof records;
  } catch (error) {
    // csv-parse's own words (a row with more or fewer fields than the header, a quote not closed), named by the flag.
    throw new UsageError(`--map ${path}: not a CSV of the columns zip,mailbox: ${(error as Error).message}`);
  }
  // A wrong header would otherwise blame row 2 for lacking a zip; say what the header is and should be.
  const found = header as string[] | null;
  if (found === null) throw new UsageError(`--map ${path}: the file is empty; its first line must name the columns zip,mailbox`);
  if (!found.includes('zip') || !found.includes('mailbox')) {
    throw new UsageError(`--map ${path}: the first line names the columns '${found.join(',')}'; expected the columns zip,mailbox`);
  }
  // Two columns of one name: the parser keeps the last, so `zip,mailbox,mailbox` sent each zip to the second one.
  for (const name of ['zip', 'mailbox']) {
    if (found.filter((h) => h === name).length > 1) throw new UsageError(`--map ${path}: the first line names the column '${name}' more than once ('${found.join(',')}'); give each column once`);
  }
  // Rows are named by their line in the file (blank lines are skipped, not counted away).
  return records.map(({ record, info }) => {
    const row = info.lines;
    const zip = record['zip'];
    const mailbox = record['mailbox'];
    if (!zip || !mailbox) throw new UsageError(`--map ${path}: row ${row} needs both a zip and a mailbox (columns zip,mailbox)`);
    if (!looksLikeMailbox(mailbox)) throw new UsageError(`--map ${path}: row ${row}: '${mailbox}' does not look like a mailbox (user@domain)`);
    return { zip, mailbox: mailboxAddress(mailbox), row };
  });
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 'i');
}

/**
 * The mailbox for a zip: the one its rules name, a rule matching when its zip (a path or a glob) matches
 * the zip as given or its file name, so `exports/ann.zip` and `ann.zip` both work in map.csv. A zip that
 * rows of two mailboxes match is refused: `ann*.zip` and `anna*.zip` both match anna-1.zip, and taking
 * the first row put Anna's export into Ann's mailbox without a word.
 */
export function mailboxFor(zipPath: string, rules: readonly MapRule[]): string | null {
  const matching = rules.flatMap((rule, index) => (ruleMatches(rule.zip, zipPath) ? [{ rule, row: rule.row ?? index + 2 }] : []));
  if (new Set(matching.map((m) => m.rule.mailbox)).size > 1) {
    const rows = matching.map((m) => `row ${m.row} (${m.rule.zip} to ${m.rule.mailbox})`).join(', ');
    throw new UsageError(`${zipPath}: the --map rows that match it name different mailboxes: ${rows}; a zip goes to one mailbox, so make its rows agree`);
  }
  return matching[0]?.rule.mailbox ?? null;
}

/**
 * One local file has many spellings (`./zips/ann.zip`, `zips//ann.zip`, `/home/me/zips/ann.zip`): a row
 * and an argument that name the same file match whatever the spelling, as they would in a shell. An
 * s3:// URI is a key, spelt one way.
 */
function ruleMatches(ruleZip: string, zipPath: string): boolean {
  const pattern = globToRegExp(ruleZip);
  if (pattern.test(zipPath) || pattern.test(basename(zipPath))) return true;
  if (isS3Uri(ruleZip) || isS3Uri(zipPath)) return false;
  if (/[*?]/.test(ruleZip)) return globToRegExp(resolve(ruleZip)).test(resolve(zipPath));
  return canonicalZipLocation(ruleZip) === canonicalZipLocation(zipPath);
}

/** The mailbox of each path (mailboxFor); every path that rows of two mailboxes match is named, not only the first. */
export function mailboxesFor(paths: readonly string[], rules: readonly MapRule[]): (string | null)[] {
  const ambiguous: string[] = [];
  const mailboxes = paths.map((path) => {
    try {
      return mailboxFor(path, rules);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      ambiguous.push(error.message);
      return null;
    }
  });
  if (ambiguous.length > 0) throw new UsageError(ambiguous.join('\n'));
  return mailboxes;
}
