import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parse } from 'csv-parse/sync';
import { UsageError } from '../accounting/errors.js';
import { mailboxAddress } from '../policy/mailbox-address.js';

/** A row of map.csv: which mailbox a zip (or every zip matching a glob) goes to (policy/mailbox-address.ts). */
export interface MapRule {
  readonly zip: string;
  readonly mailbox: string;
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
  const records = parse(text, { columns, skip_empty_lines: true, trim: true, bom: true }) as Record<string, string>[];
  // A wrong header would otherwise blame row 2 for lacking a zip; say what the header is and should be.
  const found = header as string[] | null;
  if (found === null) throw new UsageError(`--map ${path}: the file is empty; its first line must name the columns zip,mailbox`);
  if (!found.includes('zip') || !found.includes('mailbox')) {
    throw new UsageError(`--map ${path}: the first line names the columns '${found.join(',')}'; expected the columns zip,mailbox`);
  }
  return records.map((record, index) => {
    const zip = record['zip'];
    const mailbox = record['mailbox'];
    if (!zip || !mailbox) throw new UsageError(`--map ${path}: row ${index + 2} needs both a zip and a mailbox (columns zip,mailbox)`);
    if (!mailbox.includes('@')) throw new UsageError(`--map ${path}: row ${index + 2}: '${mailbox}' does not look like a mailbox (user@domain)`);
    return { zip, mailbox: mailboxAddress(mailbox) };
  });
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 'i');
}

/**
 * The mailbox for a zip: the first rule whose zip (a path or a glob) matches the zip as given or its
 * file name, so `exports/ann.zip` and `ann.zip` both work in map.csv.
 */
export function mailboxFor(zipPath: string, rules: readonly MapRule[]): string | null {
  for (const rule of rules) {
    const pattern = globToRegExp(rule.zip);
    if (pattern.test(zipPath) || pattern.test(basename(zipPath))) return rule.mailbox;
  }
  return null;
}
