/**
 * The run's own settings: which mailboxes, how many at once, where its state and report go, and how it
 * speaks. The command line (commands/options.ts) builds them from its flags; nothing here knows about flags.
 */
export interface RunSettings {
  /** Read, classify and report; create nothing. */
  readonly dryRun: boolean;
  /** Take the zips from --map and import each as soon as its WorkMail export lands in S3. */
  readonly waitForExports: boolean;
  /** One mailbox for every zip (--mailbox), or a CSV of zip,mailbox rows (--map). */
  readonly mailbox?: string;
  readonly map?: string;
  /** Mailboxes worked on at once. */
  readonly parallel: number;
  /** Seconds after which an unanswered create can no longer land: looked for then, and sent again if absent. */
  readonly landingWindowSeconds: number;
  /** `--shard i/n` or `auto`, parsed where the environment is at hand (commands/shard-option.ts). */
  readonly shard?: string;
  /** The folder of the ledger (state.db). */
  readonly state: string;
  /** The folder the report files go to, when asked for. */
  readonly report?: string;
  /** One JSON object on stdout instead of the summary table. */
  readonly json: boolean;
  /** Progress bars on a terminal, periodic lines elsewhere. */
  readonly progress: boolean;
}
