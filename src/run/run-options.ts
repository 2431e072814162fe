/**
 * The options the run layer reads, as typed values: the command line (commands/options.ts) builds them
 * from its flags, and nothing here knows about flags.
 */
export interface TenantOptions {
  readonly mailbox?: string;
  readonly map?: string;
  readonly parallel: number;
  /** Seconds after which an unanswered create can no longer land: looked for then, and sent again if absent. */
  readonly landingWindowSeconds: number;
  /** `--shard i/n` or `auto`, parsed where the environment is at hand (commands/shard-option.ts). */
  readonly shard?: string;
}
