/**
 * Start-up checks: everything the command line names is looked at before the ledger is opened or a
 * tenant is asked anything, so a typo costs an exit 2 and not a run into the wrong mailbox.
 */
import { closeSync, mkdtempSync, openSync, rmdirSync, statSync, type Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { SECRET_ENV } from '../destination/graph/credentials.js';
import { UsageError, type CliIo } from './io.js';
import type { MapRule } from '../run/mailbox-map.js';
import type { DestinationSettings } from '../destination/graph/destination-settings.js';

/** One kind of place a zip can come from: which locations it claims, and what is wrong with one of them. */
export interface SourceKind {
  readonly name: string;
  claims(location: string): boolean;
  /** A short phrase saying why the zip cannot be read (`no such file`), or null when it can. */
  problem(location: string): Promise<string | null>;
}

/** A zip on a local disk: it must be a regular file this process can open. */
export const localFile: SourceKind = {
  name: 'local file',
  claims: () => true,
  problem: async (location) => localFileProblem(location),
};

/**
 * An S3 zip: checked (HEAD, globs listed) by resolveS3Zips before these checks run, with one sentence per
 * problem; nothing more to look at here.
 */
export const s3Object: SourceKind = {
  name: 'S3 object',
  claims: (location) => location.startsWith('s3://'),
  problem: () => Promise.resolve(null),
};

/** Any other `scheme://` location: no kind claims it. */
export const unsupportedUri: SourceKind = {
  name: 'URI',
  claims: (location) => /^[a-z][a-z0-9+.-]*:\/\//i.test(location),
  problem: async (location) => `${location.slice(0, location.indexOf(':'))}:// sources are not supported yet: copy the zip to a local disk first`,
};

/** Asked in order; the first kind that claims a location checks it. */
export const SOURCE_KINDS: SourceKind[] = [s3Object, unsupportedUri, localFile];

export function localFileProblem(path: string): string | null {
  let isFile: boolean;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) return 'is a folder, not a zip (give the zips in it, e.g. a folder/*.zip glob)';
    isFile = stat.isFile();
  } catch (error) {
    return fsProblem(error);
  }
  if (!isFile) return 'is not a regular file';
  try {
    closeSync(openSync(path, 'r'));
  } catch (error) {
    return fsProblem(error);
  }
  return null;
}

function fsProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'ENOTDIR') return 'no such file (a part of the path is not a folder)';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read (permission denied)';
  return `cannot be read (${code ?? (error as Error).message})`;
}

async function sourceProblem(location: string): Promise<string | null> {
  const kind = SOURCE_KINDS.find((k) => k.claims(location)) ?? localFile;
  return kind.problem(location);
}

const SHOWN = 5;

function joinProblems(problems: readonly string[]): string {
  const more = problems.length > SHOWN ? `; and ${problems.length - SHOWN} more` : '';
  return problems.slice(0, SHOWN).join('; ') + more;
}

/** Every zip argument, each named with what is wrong with it; exit 2 before anything is read. */
export async function checkSources(locations: readonly string[]): Promise<void> {
  const problems: string[] = [];
  for (const location of locations) {
    const problem = await sourceProblem(location);
    if (problem !== null) problems.push(`${location}: ${problem}`);
  }
  if (problems.length > 0) throw new UsageError(joinProblems(problems));
}

/**
 * The rows of map.csv that name a zip by its path (or URI) rather than by a file name or glob: that
 * zip must exist. File names and globs are patterns matched against the zips given, not files here.
 */
export async function checkMapRows(mapPath: string, rules: readonly MapRule[]): Promise<void> {
  const problems: string[] = [];
  for (const [index, rule] of rules.entries()) {
    if (/[*?[]/.test(rule.zip) || !/[/\\]/.test(rule.zip)) continue;
    const problem = await sourceProblem(rule.zip);
    if (problem !== null) problems.push(`row ${rule.row ?? index + 2}: ${rule.zip}: ${problem}`);
  }
  if (problems.length > 0) throw new UsageError(`--map ${mapPath}: ${joinProblems(problems)}`);
}

/** A file an option names (--map, --certificate): checked like a local zip, named by its flag. */
export function checkOptionFile(flag: string, path: string | undefined): void {
  if (path === undefined) return;
  const problem = localFileProblem(path);
  if (problem !== null) throw new UsageError(`${flag} ${path}: ${problem}`);
}

/**
 * --report DIR must be a folder this process can write, or one it can create. Tried for real (a
 * probe folder made and removed at once), since permission bits do not tell root or a read-only mount;
 * nothing is left behind, not even DIR itself.
 */
export function checkReportDir(dir: string | undefined): void {
  if (dir === undefined) return;
  let existing = resolve(dir);
  for (;;) {
    const stat = statOrNothing(existing);
    if (stat !== undefined) {
      if (!stat.isDirectory()) {
        const what = existing === resolve(dir) ? 'it is a file, not a folder' : `${existing} is a file, not a folder`;
        throw new UsageError(`--report ${dir}: cannot write the report there: ${what}`);
      }
      break;
    }
    const parent = dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  try {
    rmdirSync(mkdtempSync(join(existing, '.eml-import-probe-')));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EROFS' ? 'read-only file system' : code;
    throw new UsageError(`--report ${dir}: cannot write the report there (${why} in ${existing})`);
  }
}

/** A path's stat, or undefined where nothing is (ENOTDIR too: a file higher up is found on the way up). */
function statOrNothing(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

/**
 * That the run will have a credential when it connects: the prompt needs a terminal, and a cron job or CI
 * has none, so say so now rather than after the scan.
 */
export function checkCredential(options: DestinationSettings, io: CliIo): void {
  if (options.accessTokenEnv !== undefined) {
    // Given the token itself (a JWT) rather than its variable's name: say so without printing it.
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(options.accessTokenEnv)) throw new UsageError('--access-token-env wants the name of an environment variable that holds the token (e.g. GRAPH_TOKEN), not the token itself');
    if (!io.env[options.accessTokenEnv]?.trim()) throw new UsageError(`--access-token-env ${options.accessTokenEnv}: that environment variable is not set or empty`);
    return;
  }
  if (options.certificate !== undefined) {
    checkOptionFile('--certificate', options.certificate);
    checkOptionFile('--certificate-public', options.certificatePublic);
    return;
  }
  if (io.env[SECRET_ENV] === undefined && !io.promptSecret) {
    throw new UsageError(`no client secret and no terminal to ask for it: set ${SECRET_ENV}, or use --certificate or --access-token-env`);
  }
}
