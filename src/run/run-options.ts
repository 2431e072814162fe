/**
 * The options the run layer reads, as typed values: the command line (commands/options.ts) builds them
 * from its flags, and nothing here knows about flags.
 */
export interface TenantOptions {
  readonly tenant?: string;
  readonly clientId?: string;
  readonly certificate?: string;
  readonly certificatePublic?: string;
  readonly accessTokenEnv?: string;
  readonly cloud: 'global' | 'usgov' | 'usgov-dod' | 'china';
  readonly authorityHost?: string;
  readonly graphUrl?: string;
  readonly mailbox?: string;
  readonly map?: string;
  readonly api: 'beta' | 'v1.0';
  /** Set when --api was not given and the cloud decided it: the sentence the command prints. */
  readonly apiNote?: string;
  readonly parallel: number;
  /** Seconds after which an unanswered create can no longer land: looked for then, and sent again if absent. */
  readonly landingWindowSeconds: number;
  /** Requests in flight per mailbox (--in-flight); lowered by itself for a mailbox that answers MailboxConcurrency 429s. */
  readonly inFlight: number;
  /** `--shard i/n` or `auto`, parsed where the environment is at hand (commands/shard-option.ts). */
  readonly shard?: string;
}
