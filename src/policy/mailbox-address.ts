/**
 * The one spelling of a mailbox that eml-import keys everything by: its governor, its duplicate scope,
 * its shard, its rows in the ledger and the report. Exchange and Entra ID compare addresses and UPNs
 * without regard to case, so `Ann.Smith@Contoso.com` (WorkMail's primary address, as `export` writes it)
 * and `ann.smith@contoso.com` (typed by hand in the same map) are one mailbox; kept apart, the two were
 * imported side by side, each without the other's messages to find duplicates against, and could land in
 * two shards.
 */
export function mailboxAddress(given: string): string {
  return given.trim().toLowerCase();
}

/**
 * One `@` between a user and a domain, no blanks or list separators: the same rule for --mailbox and for
 * a map row, so `ann@` or `ann@contoso.com; bob@contoso.com` is refused (exit 2) wherever it is typed.
 */
export function looksLikeMailbox(given: string): boolean {
  return /^[^@\s,;]+@[^@\s,;]+$/.test(given.trim());
}
