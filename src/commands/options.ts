import { Command, Option } from 'commander';
import { parseHeaderRule } from '../policy/header-rule.js';
import type { HeaderRule } from '../policy/types.js';
import { UsageError } from './io.js';

/**
 * Every option in one table, so the README, `--help` and the parsed type cannot drift apart.
 * Options shared by the import, the dry run, reconcile and doctor are declared once here.
 */

export interface SourceOptions {
  readonly zips: readonly string[];
  readonly headersOnly: boolean;
  readonly keepJunk: boolean;
  readonly spamHeaders: readonly HeaderRule[];
  readonly into?: string;
  readonly archiveBefore?: Date;
  readonly includeFolders: readonly string[];
  readonly excludeFolders: readonly string[];
  /** For s3:// zips: a shared-config profile, the buckets' region, an S3-compatible endpoint. */
  readonly s3Profile?: string;
  readonly s3Region?: string;
  readonly s3Endpoint?: string;
}

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
  readonly parallel: number;
}

export interface OutputOptions {
  readonly json: boolean;
  readonly report?: string;
  readonly state: string;
  readonly progress: boolean;
}

export interface ImportOptions extends SourceOptions, TenantOptions, OutputOptions {
  readonly dryRun: boolean;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function addSourceOptions(command: Command): Command {
  return command
    .argument('<zips...>', 'WorkMail export zips: local paths (shell globs are fine), s3://bucket/key.zip, s3://bucket/prefix/*.zip')
    .option('--headers-only', 'read only each message\'s header block (quick look; skips full CRC verification)', false)
    .option('--keep-junk', 'import Junk folders instead of dropping them as spam', false)
    .option('--spam-header <rule>', "drop messages whose header matches, e.g. 'X-Foo: ^yes' (repeatable)", collect, [])
    .option('--into <folder>', 'put everything under this one top-level folder')
    .option('--archive-before <date>', 'send mail dated before this day (YYYY-MM-DD) to Archive, keeping its sub-path')
    .option('--include-folder <glob>', 'only these source folders (repeatable; * within a folder name, ** across)', collect, [])
    .option('--exclude-folder <glob>', 'leave these source folders out (repeatable)', collect, [])
    .option('--s3-profile <name>', 'AWS profile for s3:// zips (default: the standard AWS credential chain)')
    .option('--s3-region <region>', "region of the zips' buckets (default: asked from each bucket)")
    .option('--s3-endpoint <url>', 'S3-compatible endpoint for s3:// zips, addressed path-style');
}

export function addTenantOptions(command: Command): Command {
  return command
    .option('--tenant <tenant>', 'Entra tenant id or domain (e.g. contoso.onmicrosoft.com)')
    .option('--client-id <id>', 'application (client) id of the app registration')
    .option('--certificate <pem>', 'certificate credential: PEM file with the private key (and the certificate)')
    .option('--certificate-public <pem>', 'the public certificate, when it is not in the --certificate file')
    .option('--access-token-env <name>', 'use a ready access token from this environment variable')
    .addOption(new Option('--cloud <cloud>', 'national cloud preset').choices(['global', 'usgov', 'usgov-dod', 'china']).default('global'))
    .option('--authority-host <url>', 'Entra authority host (https), overriding --cloud')
    .option('--graph-url <url>', 'Microsoft Graph base URL (https), overriding --cloud')
    .option('--mailbox <upn>', 'the destination mailbox for every zip')
    .option('--map <csv>', 'CSV with columns zip,mailbox (zip may be a glob) for many mailboxes')
    .addOption(new Option('--api <api>', 'upload method: beta = importMime (full MIME), v1.0 = JSON create').choices(['beta', 'v1.0']).default('beta'))
    .option('--parallel <n>', 'mailboxes imported at once', '4');
}

export function addOutputOptions(command: Command): Command {
  return command
    .option('--json', 'print one JSON object on stdout instead of the summary table', false)
    .option('--report <dir>', 'write report.json, CSVs and an HTML page into this folder')
    .option('--state <dir>', 'where the ledger (state.db) lives', './.eml-import')
    .option('--no-progress', 'no progress bar or periodic progress lines');
}

function parseDay(value: string | undefined, flag: string): Date | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new UsageError(`${flag} wants a day as YYYY-MM-DD, got '${value}'`);
  }
  return new Date(`${value}T00:00:00Z`);
}

function parsePositiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError(`${flag} wants a whole number from 1 to 64, got '${value}'`);
  return n;
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

/** Turns commander's loose values into the typed options, with a UsageError naming any bad one. */
export function readImportOptions(zips: string[], raw: Record<string, unknown>): ImportOptions {
  const str = (key: string): string | undefined => (typeof raw[key] === 'string' ? (raw[key] as string) : undefined);
  const list = (key: string): string[] => (Array.isArray(raw[key]) ? (raw[key] as string[]) : []);
  return {
    zips,
    dryRun: raw['dryRun'] === true,
    headersOnly: raw['headersOnly'] === true,
    keepJunk: raw['keepJunk'] === true,
    spamHeaders: parseRules(list('spamHeader')),
    into: str('into'),
    archiveBefore: parseDay(str('archiveBefore'), '--archive-before'),
    includeFolders: list('includeFolder'),
    excludeFolders: list('excludeFolder'),
    s3Profile: str('s3Profile'),
    s3Region: parseS3Region(str('s3Region')),
    s3Endpoint: parseS3Endpoint(str('s3Endpoint')),
    tenant: str('tenant'),
    clientId: str('clientId'),
    certificate: str('certificate'),
    certificatePublic: str('certificatePublic'),
    accessTokenEnv: str('accessTokenEnv'),
    cloud: (str('cloud') ?? 'global') as TenantOptions['cloud'],
    authorityHost: str('authorityHost'),
    graphUrl: str('graphUrl'),
    mailbox: str('mailbox'),
    map: str('map'),
    api: (str('api') ?? 'beta') as TenantOptions['api'],
    parallel: parsePositiveInt(str('parallel') ?? '4', '--parallel'),
    json: raw['json'] === true,
    report: str('report'),
    state: str('state') ?? './.eml-import',
    progress: raw['progress'] !== false,
  };
}
