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
