/**
 * The Microsoft 365 mailbox for a WorkMail address. The UPN often differs from the WorkMail address
 * (another domain, or another local part), so a rename table wins, then --target-domain, else the address
 * stays as it is.
 */
export interface AddressRewrite {
  /** Lower-cased WorkMail address to the Microsoft 365 mailbox. */
  readonly renames: ReadonlyMap<string, string>;
  readonly targetDomain: string | null;
}

export function rewriteAddress(email: string, rewrite: AddressRewrite): string {
  const renamed = rewrite.renames.get(email.toLowerCase());
  if (renamed !== undefined) return renamed;
  if (rewrite.targetDomain !== null) {
    const at = email.lastIndexOf('@');
    return `${at < 0 ? email : email.slice(0, at)}@${rewrite.targetDomain}`;
  }
  return email;
}

const ADDRESS = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/i;

export function isDomain(value: string): boolean {
  return DOMAIN.test(value);
}

/**
 * Reads a rename table (`from,to` with that header; the WorkMail address, then the Microsoft 365 one).
 * Throws with the row number for a bad or repeated row.
 */
export function parseRenames(records: readonly Record<string, string>[], file: string): Map<string, string> {
  const renames = new Map<string, string>();
  records.forEach((record, index) => {
    const row = index + 2;
    const from = record['from']?.trim();
    const to = record['to']?.trim();
    if (!from || !to) throw new Error(`${file}: row ${row} needs both columns from,to`);
    if (!ADDRESS.test(from)) throw new Error(`${file}: row ${row}: '${from}' is not an email address`);
    if (!ADDRESS.test(to)) throw new Error(`${file}: row ${row}: '${to}' is not an email address`);
    const key = from.toLowerCase();
    if (renames.has(key) && renames.get(key) !== to) throw new Error(`${file}: row ${row}: ${from} is renamed twice`);
    renames.set(key, to);
  });
  return renames;
}
