import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type * as Commander from 'commander';
import { parse } from 'csv-parse/sync';
import { isDomain, parseRenames, type AddressRewrite } from '../export/address-rewrite.js';
import { parseUserList } from '../export/select-users.js';
import { UsageError } from './io.js';
import { stringOption } from './raw-options.js';

/** `eml-import export`: start WorkMail's mailbox export jobs and write the import's map. */
export interface ExportOptions {
  readonly organizationId: string;
  readonly bucket: string;
  readonly prefix: string;
  readonly kmsKey: string;
  readonly role: string;
  /** Users named on the command line or in --users-file; null for --all. */
  readonly users: readonly string[] | null;
  readonly rewrite: AddressRewrite;
  readonly maxRunning: number;
  readonly reExport: boolean;
  readonly mapOut: string;
  readonly state: string;
  readonly region?: string;
  readonly endpoint?: string;
  readonly progress: boolean;
}

export function addExportOptions(command: Commander.Command): Commander.Command {
  return command
    .requiredOption('--organization-id <id>', 'the WorkMail organisation (m-…)')
    .requiredOption('--bucket <name>', 'the S3 bucket the exports are written to (same Region as the organisation)')
    .requiredOption('--prefix <prefix>', 'the key prefix the exports are written under')
    .requiredOption('--kms-key <arn>', 'ARN of the symmetric KMS key that encrypts the exports')
    .requiredOption('--role <arn>', 'ARN of the IAM role WorkMail assumes to write to the bucket')
    .option('--users <list>', 'comma-separated users to export (email, user name or id)')
    .option('--users-file <file>', 'a file of users to export, one a line (# comments)')
    .option('--all', 'export every enabled user with a mailbox')
    .option('--target-domain <domain>', 'the Microsoft 365 mailbox is the WorkMail address with this domain')
    .option('--rename <csv>', 'CSV from,to: WorkMail address to Microsoft 365 mailbox (wins over --target-domain)')
    .option('--max-running <n>', 'export jobs running at once, 1 to 100 (default 10, which WorkMail allows per organisation)')
    .option('--re-export', 'export again mailboxes whose last export completed more than 24 hours ago')
    .requiredOption('--map-out <csv>', 'write the import map (zip,mailbox) here')
    .option('--state <dir>', 'where the export record (exports.db) lives (default ./.eml-import)')
    .option('--region <region>', 'the WorkMail organisation\'s AWS Region (else from the AWS environment or profile)')
    .option('--endpoint <url>', 'a WorkMail-compatible endpoint (the local emulator)')
    .option('--no-progress', 'no progress bar or periodic progress lines');
}

function check(value: string | undefined, flag: string, pattern: RegExp, what: string): string {
  if (value === undefined || !pattern.test(value)) throw new UsageError(`${flag} wants ${what}, got '${value ?? ''}'`);
  return value;
}

function readText(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`${flag} ${path}: ${(error as Error).message}`);
  }
}

/** Checks every option before anything is asked of AWS or written: mistakes exit 2 with one sentence. */
export function readExportOptions(raw: Record<string, unknown>): ExportOptions {
  const str = (key: string): string | undefined => stringOption(raw, key);
  const organizationId = check(str('organizationId'), '--organization-id', /^m-[0-9a-f]{32}$/, 'a WorkMail organisation id (m- and 32 hex digits)');
  const bucket = check(str('bucket'), '--bucket', /^[A-Za-z0-9.-]{3,63}$/, 'an S3 bucket name');
  const prefix = check(str('prefix'), '--prefix', /^[A-Za-z0-9!_.*'()/-]{1,1023}$/, "a key prefix of letters, digits and !_.*'()/-");
  const kmsKey = check(str('kmsKey'), '--kms-key', /^arn:aws[a-z-]*:kms:[a-z0-9-]*:[a-z0-9-]+:[A-Za-z0-9][A-Za-z0-9:_/+=,@.-]{0,1023}$/, 'a KMS key ARN (arn:aws:kms:region:account:key/…)');
  const role = check(str('role'), '--role', /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'an IAM role ARN (arn:aws:iam::account:role/…)');

  const chosen = [str('users') !== undefined, str('usersFile') !== undefined, raw['all'] === true].filter(Boolean).length;
  if (chosen !== 1) throw new UsageError('name the users to export with exactly one of --users, --users-file or --all');
  let users: string[] | null = null;
  if (str('users') !== undefined) users = str('users')!.split(',').map((u) => u.trim()).filter((u) => u !== '');
  if (str('usersFile') !== undefined) users = parseUserList(readText(str('usersFile')!, '--users-file'));
  if (users !== null && users.length === 0) throw new UsageError(`${str('users') !== undefined ? '--users' : `--users-file ${str('usersFile')!}`} names no user`);
  for (const user of users ?? []) {
    if (!/^[a-zA-Z0-9._%+@-]{1,256}$/.test(user)) throw new UsageError(`'${user}' is not a WorkMail user (an email, user name or id)`);
  }

  const targetDomain = str('targetDomain') ?? null;
  if (targetDomain !== null && !isDomain(targetDomain)) throw new UsageError(`--target-domain wants a domain like contoso.com, got '${targetDomain}'`);
  let renames = new Map<string, string>();
  const renameFile = str('rename');
  if (renameFile !== undefined) {
    const text = readText(renameFile, '--rename');
    try {
      const records = parse(text, { columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()), skip_empty_lines: true, trim: true, bom: true }) as Record<string, string>[];
      renames = parseRenames(records, `--rename ${renameFile}`);
    } catch (error) {
      const message = (error as Error).message;
      throw new UsageError(message.startsWith('--rename') ? message : `--rename ${renameFile}: ${message}`);
    }
  }

  const maxRunning = Number(str('maxRunning') ?? '10');
  if (!Number.isInteger(maxRunning) || maxRunning < 1 || maxRunning > 100) throw new UsageError(`--max-running wants a whole number from 1 to 100, got '${str('maxRunning')}'`);

  const mapOut = str('mapOut')!;
  const mapDir = dirname(resolve(mapOut));
  if (!existsSync(mapDir) || !statSync(mapDir).isDirectory()) throw new UsageError(`--map-out ${mapOut}: the folder ${mapDir} does not exist`);

  const region = str('region');
  if (region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) throw new UsageError(`--region wants an AWS Region like eu-west-1, got '${region}'`);
  const endpoint = str('endpoint');
  if (endpoint !== undefined) {
    const url = URL.canParse(endpoint) ? new URL(endpoint) : null;
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new UsageError(`--endpoint wants an http(s) URL, got '${endpoint}'`);
  }

  return {
    organizationId,
    bucket,
    prefix,
    kmsKey,
    role,
    users,
    rewrite: { renames, targetDomain },
    maxRunning,
    reExport: raw['reExport'] === true,
    mapOut,
    state: str('state') ?? './.eml-import',
    ...(region !== undefined ? { region } : {}),
    ...(endpoint !== undefined ? { endpoint } : {}),
    progress: raw['progress'] !== false,
  };
}
