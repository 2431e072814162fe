import { createRequire } from 'node:module';
import type * as Commander from 'commander';
import { parseHeaderRule } from '../policy/header-rule.js';
import { looksLikeMailbox, mailboxAddress } from '../policy/mailbox-address.js';
import type { HeaderRule } from '../policy/types.js';
import { UsageError } from './io.js';
import { stringOption } from './raw-options.js';
import { importMimeAvailable } from '../destination/graph/cloud.js';

/**
 * Every option in one table, so the README, `--help` and the parsed type cannot drift apart.
 * Options shared by the import, the dry run, reconcile and doctor are declared once here.
 */

import type { ScanSettings } from '../source/scan-settings.js';
import type { PolicySettings } from '../policy/policy-settings.js';
import type { DestinationSettings } from '../destination/graph/destination-settings.js';
import type { RunSettings } from '../run/run-settings.js';

// A CommonJS package, loaded with require() (README, Development: start-up).
const { Option } = createRequire(import.meta.url)('commander') as typeof Commander;

/**
 * The command line of the import, the dry run, reconcile and doctor, split here into one small settings
 * type per stage: each stage is handed its own part and never sees the others' (nor commander's values).
 */
export interface ImportSettings {
  readonly scan: ScanSettings;
  readonly policy: PolicySettings;
  readonly destination: DestinationSettings;
  readonly run: RunSettings;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Commands whose options come from this table; plan takes only its S3 options from here, the rest are its own. */
export type CommandName = 'import' | 'reconcile' | 'doctor' | 'plan';

/** The README's three groups of options, in its order; `--help` shows them under the same headings. */
const GROUPS = {
  source: 'Reading the exports:',
  tenant: 'The tenant:',
  output: 'Output:',
} as const;

interface OptionSpec {
  readonly flags: string;
  readonly group: keyof typeof GROUPS;
  /** The commands it applies to, each with its own wording: reconcile counts Junk, it does not import it. */
  readonly help: Partial<Record<CommandName, string>>;
  readonly repeatable?: boolean;
}

/**
 * Every option once, in the order `--help` lists them. No commander defaults: they would print as
 * `(default: [])` noise; readImportSettings fills them in, and the help text says the ones that matter.
 */
const OPTIONS: readonly OptionSpec[] = [
  { flags: '--dry-run', group: 'source', help: { import: 'read, classify and report; create nothing (no tenant needed; with one it also reads what the destination holds)' } },
  { flags: '--wait-for-exports', group: 'source', help: { import: 'take the zips from --map and import each as soon as its WorkMail export lands in S3' } },
  { flags: '--headers-only', group: 'source', help: { import: "read only each message's header block: a quick look that skips full CRC verification", reconcile: "read only each message's header block (skips full CRC verification)" } },
  { flags: '--keep-junk', group: 'source', help: { import: 'import Junk folders (into Junk Email) instead of dropping them as spam', reconcile: 'expect Junk folders in the destination (give it when the import had --keep-junk)' } },
  { flags: '--spam-header <rule>', group: 'source', repeatable: true, help: { import: "also drop messages whose header matches, e.g. 'X-Foo: ^yes' (repeatable)", reconcile: "the import's --spam-header rules: messages they drop are not expected (repeatable)" } },
  { flags: '--into <folder>', group: 'source', help: { import: 'put everything under this one top-level folder, keeping the source paths', reconcile: "the import's --into: everything is expected under this top-level folder" } },
  { flags: '--archive-before <day>', group: 'source', help: { import: 'send mail dated before this day (YYYY-MM-DD) to Archive, keeping its sub-path', reconcile: "the import's --archive-before: older mail is expected under Archive" } },
  { flags: '--include-folder <glob>', group: 'source', repeatable: true, help: { import: 'only these source folders (* within a name, ** across levels; repeatable)', reconcile: 'compare only these source folders (as the import had them; repeatable)' } },
  { flags: '--exclude-folder <glob>', group: 'source', repeatable: true, help: { import: 'leave these source folders out (repeatable)', reconcile: 'leave these source folders out of the comparison (repeatable)' } },
  { flags: '--s3-profile <name>', group: 'source', help: zipReaders('AWS profile for s3:// zips (otherwise the standard AWS credential chain)') },
  { flags: '--s3-region <region>', group: 'source', help: zipReaders("region of the zips' buckets (otherwise asked from each bucket)") },
  { flags: '--s3-endpoint <url>', group: 'source', help: zipReaders('S3-compatible endpoint for s3:// zips, addressed path-style') },
  { flags: '--tenant <tenant>', group: 'tenant', help: { import: 'Entra tenant domain or ID (e.g. contoso.onmicrosoft.com)', reconcile: 'Entra tenant domain or ID', doctor: 'Entra tenant domain or ID' } },
  { flags: '--client-id <id>', group: 'tenant', help: { import: "the app registration's application (client) ID; the secret comes from EML_IMPORT_CLIENT_SECRET", reconcile: "the app registration's application (client) ID", doctor: "the app registration's application (client) ID" } },
  { flags: '--certificate <pem>', group: 'tenant', help: all('certificate credential: PEM file with the private key (and the certificate)') },
  { flags: '--certificate-public <pem>', group: 'tenant', help: all('the public certificate, when it is not in the --certificate file') },
  { flags: '--access-token-env <name>', group: 'tenant', help: all('use a ready access token from this environment variable') },
  { flags: '--cloud <cloud>', group: 'tenant', help: all('national cloud: global (default), usgov, usgov-dod or china') },
  { flags: '--authority-host <url>', group: 'tenant', help: all('Entra authority host (https), overriding --cloud') },
  { flags: '--graph-url <url>', group: 'tenant', help: all('Microsoft Graph base URL (https), overriding --cloud') },
  { flags: '--mailbox <upn>', group: 'tenant', help: { import: 'the destination mailbox for every zip', reconcile: 'the mailbox every zip was imported into', doctor: 'the mailbox to check' } },
  { flags: '--map <csv>', group: 'tenant', help: { import: 'CSV with columns zip,mailbox (zip may be a glob) for many mailboxes', reconcile: 'CSV with columns zip,mailbox, as for the import', doctor: 'CSV with columns zip,mailbox: check every mailbox it names' } },
  { flags: '--api <api>', group: 'tenant', help: { import: 'upload method: beta = importMime, full MIME (default; global cloud only); v1.0 = JSON create (default in national clouds)', reconcile: "the import's upload method, whose permissions are checked (default beta)", doctor: 'check the permissions of this upload method: beta (default) or v1.0' } },
  { flags: '--parallel <n>', group: 'tenant', help: { import: 'mailboxes imported at once (default 4, at most 512)', reconcile: 'mailboxes compared at once (default 4)' } },
  { flags: '--shard <i/n|auto>', group: 'tenant', help: { import: 'take only shard i of n (1-based; whole mailboxes, balanced by bytes); auto: from a Kubernetes Indexed Job or AWS Batch array job', reconcile: 'compare only shard i of n, as the import took it' } },
  { flags: '--in-flight <n>', group: 'tenant', help: { import: 'requests in flight per mailbox, 1 to 4 (default 4; lowered by itself on MailboxConcurrency 429s)', doctor: 'requests in flight per mailbox the write test probes, 1 to 4 (default 4)' } },
  { flags: '--landing-window <seconds>', group: 'tenant', help: { import: 'how long a create whose answer was lost may still land; it is looked for after this, and sent again only if absent (default 300)' } },
  { flags: '--write-test', group: 'output', help: { doctor: 'also write, read back and remove test messages in a hidden folder of the mailbox' } },
  { flags: '--json', group: 'output', help: { import: 'print one JSON object on stdout instead of the summary table', reconcile: 'print one JSON object on stdout instead of the summary table', doctor: "print one JSON object on stdout with each check's result" } },
  { flags: '--report <dir>', group: 'output', help: { import: 'write report.json, CSVs and an HTML page into this folder', reconcile: 'write reconcile.json, CSVs and an HTML page into this folder' } },
  { flags: '--state <dir>', group: 'output', help: { import: 'where the ledger (state.db) lives (default ./.eml-import)', reconcile: "where the import's ledger is, to name what it recorded (default ./.eml-import)" } },
  { flags: '--no-progress', group: 'output', help: { import: 'no progress bar or periodic progress lines', reconcile: 'no progress bar or periodic progress lines' } },
];

/** The commands that read zips, and so may read them from S3. */
function zipReaders(text: string): Partial<Record<CommandName, string>> {
  return { import: text, reconcile: text, plan: text };
}

function all(text: string): Partial<Record<CommandName, string>> {
  return { import: text, reconcile: text, doctor: text };
}

/** Adds the options that apply to `name`, grouped and worded for it. */
export function addCommandOptions(command: Commander.Command, name: CommandName): Commander.Command {
  // Optional for import: --wait-for-exports takes the zips from --map.
  const zips = 'WorkMail export zips: local paths (shell globs are fine), s3://bucket/key.zip, s3://bucket/prefix/*.zip';
  if (name === 'import') command.argument('[zips...]', zips);
  else if (name === 'reconcile' || name === 'plan') command.argument('<zips...>', zips);
  for (const spec of OPTIONS) {
    const help = spec.help[name];
    if (help === undefined) continue;
    const option = new Option(spec.flags, help).helpGroup(GROUPS[spec.group]);
    if (spec.repeatable) option.argParser(collect);
    command.addOption(option);
  }
  return command;
}

function parseDay(value: string | undefined, flag: string): Date | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new UsageError(`${flag} wants a day as YYYY-MM-DD, got '${value}'`);
  const day = new Date(`${value}T00:00:00Z`);
  // Date rolls 2024-02-30 over to 1 March; a day that does not come back as written does not exist.
  if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== value) {
    throw new UsageError(`${flag} ${value}: there is no such day`);
  }
  return day;
}

/** `--mailbox ann` is a typo, not a mailbox to ask the tenant about (the rule a map row's mailbox is held to too). */
function parseMailbox(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!looksLikeMailbox(value)) throw new UsageError(`--mailbox '${value}' does not look like a mailbox (user@domain)`);
  return mailboxAddress(value);
}

const CLOUDS = ['global', 'usgov', 'usgov-dod', 'china'] as const;
const APIS = ['beta', 'v1.0'] as const;

/** Checked here rather than by commander's choices(), whose `(choices: …)` the help text already says in words. */
function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${flag} is one of ${allowed.join(', ')}, not '${value}'`);
  return value as T;
}

/** Up to 512 mailboxes at once: one core carries dozens at Graph's ceiling, a large machine hundreds. */
const MAX_PARALLEL = 512;

function parsePositiveInt(value: string, flag: string, max = MAX_PARALLEL): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`${flag} wants a whole number from 1 to ${max}, got '${value}'`);
  return n;
}

function parseInFlight(value: string): number {
  const n = Number(value);
  // Outlook allows four concurrent requests per app and mailbox; more would only be answered with 429s.
  if (!Number.isInteger(n) || n < 1 || n > 4) throw new UsageError(`--in-flight wants a whole number from 1 to 4 (Outlook's limit per mailbox), got '${value}'`);
  return n;
}

/**
 * The upload method: --api as given, else importMime in the global cloud and the JSON path elsewhere, since
 * importMime's documentation lists no US Government or China availability.
 */
function chooseApi(given: string | undefined, cloud: DestinationSettings['cloud']): { api: DestinationSettings['api']; apiNote?: string } {
  if (!importMimeAvailable(cloud)) {
    if (given === 'beta') {
      throw new UsageError(`importMime (--api beta) is available in the global cloud only, not in --cloud ${cloud}: use --api v1.0, the JSON path, or leave --api out`);
    }
    if (given === undefined) {
      return { api: 'v1.0', apiNote: `--cloud ${cloud}: importMime is available in the global cloud only, so every message takes the JSON path (--api v1.0)` };
    }
  }
  return { api: (given ?? 'beta') as DestinationSettings['api'] };
}

function parseRules(rules: readonly string[]): HeaderRule[] {
  return rules.map((text) => {
    try {
      return parseHeaderRule(text);
    } catch (error) {
      throw new UsageError(`--spam-header '${text}': ${(error as Error).message}`);
    }
  });
}

function parseS3Endpoint(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--s3-endpoint wants a URL such as https://s3.example.com, got '${value}'`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError(`--s3-endpoint wants an http(s) URL, got '${value}'`);
  if (url.username !== '' || url.password !== '') throw new UsageError('--s3-endpoint must not carry credentials: use the AWS credential chain or --s3-profile');
  return value;
}

function parseS3Region(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[a-z]{2}(-[a-z0-9]+)+$/.test(value)) throw new UsageError(`--s3-region wants a region name such as eu-west-1, got '${value}'`);
  return value;
}

/** The --s3-* options, checked. */
export function readS3Settings(raw: Record<string, unknown>): ScanSettings['s3'] {
  return { profile: stringOption(raw, 's3Profile'), region: parseS3Region(stringOption(raw, 's3Region')), endpoint: parseS3Endpoint(stringOption(raw, 's3Endpoint')) };
}

/** Turns commander's loose values into the typed settings, with a UsageError naming any bad one. */
export function readImportSettings(zips: string[], raw: Record<string, unknown>): ImportSettings {
  const str = (key: string): string | undefined => stringOption(raw, key);
  const list = (key: string): string[] => (Array.isArray(raw[key]) ? (raw[key] as string[]) : []);
  const cloud = oneOf(str('cloud') ?? 'global', CLOUDS, '--cloud');
  return {
    scan: {
      zips,
      s3: readS3Settings(raw),
      verify: raw['headersOnly'] !== true,
    },
    policy: {
      keepJunk: raw['keepJunk'] === true,
      spamHeaders: parseRules(list('spamHeader')),
      into: str('into'),
      archiveBefore: parseDay(str('archiveBefore'), '--archive-before'),
      includeFolders: list('includeFolder'),
      excludeFolders: list('excludeFolder'),
    },
    destination: {
      tenant: str('tenant'),
      clientId: str('clientId'),
      certificate: str('certificate'),
      certificatePublic: str('certificatePublic'),
      accessTokenEnv: str('accessTokenEnv'),
      cloud,
      ...chooseApi(str('api') === undefined ? undefined : oneOf(str('api') as string, APIS, '--api'), cloud),
      authorityHost: str('authorityHost'),
      graphUrl: str('graphUrl'),
      inFlight: parseInFlight(str('inFlight') ?? '4'),
    },
    run: {
      dryRun: raw['dryRun'] === true,
      waitForExports: raw['waitForExports'] === true,
      mailbox: parseMailbox(str('mailbox')),
      map: str('map'),
      parallel: parsePositiveInt(str('parallel') ?? '4', '--parallel'),
      landingWindowSeconds: parsePositiveInt(str('landingWindow') ?? '300', '--landing-window', 3600),
      shard: str('shard'),
      json: raw['json'] === true,
      report: str('report'),
      state: str('state') ?? './.eml-import',
      progress: raw['progress'] !== false,
    },
  };
}
