import type { AddressRewrite } from './address-rewrite.js';

/** Microsoft 365 mailboxes that two or more selected WorkMail users would be imported into. */
export interface SharedTarget {
  readonly target: string;
  readonly emails: readonly string[];
}

/**
 * Targets that more than one user reaches, unless every one of them reaches it through its own --rename row
 * (a merge the admin wrote down). --target-domain keeps the local part and drops the domain, so
 * ann@acme.com and ann@acme-labs.com (an organisation with two mail domains) both become ann@contoso.com:
 * two people's mail in one mailbox, which nothing later can separate.
 */
export function sharedTargets(users: readonly { readonly email: string; readonly target: string }[], rewrite: AddressRewrite): SharedTarget[] {
  const byTarget = new Map<string, { target: string; emails: string[] }>();
  for (const user of users) {
    const key = user.target.toLowerCase();
    const group = byTarget.get(key) ?? { target: user.target, emails: [] };
    group.emails.push(user.email);
    byTarget.set(key, group);
  }
  return [...byTarget.values()].filter((group) => group.emails.length > 1 && !group.emails.every((email) => rewrite.renames.has(email.toLowerCase())));
}
