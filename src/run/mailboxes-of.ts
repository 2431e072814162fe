/** The mailboxes zips go to, each once, in the zips' order; a zip without one (a dry run without a tenant) adds none. */
export function mailboxesOf(zips: readonly { readonly mailbox: string | null }[]): string[] {
  return [...new Set(zips.flatMap((z) => (z.mailbox === null ? [] : [z.mailbox])))];
}
