/**
 * What every command that reads the exports does before anything is written: the tenant or none, each
 * zip with its mailbox and every path checked, this shard's share, and the ledger's mapping compared.
 */
import type { Ledger } from '../ledger/ledger.js';
import type { ZipToScan } from '../run/scan/scan.js';
import { mappingFingerprint, type PolicySettings } from '../policy/policy-settings.js';
import { readMapFile, mailboxesFor } from '../run/mailbox-map.js';
import { UsageError, type CliIo } from './io.js';
import { checkCredential, checkMapRows, checkOptionFile, checkReportDir, checkSources } from './check-inputs.js';
import type { RunSettings } from '../run/run-settings.js';
import type { DestinationSettings } from '../destination/graph/destination-settings.js';
import type { ShardSpec } from './shard-option.js';
import type { ShardRecord } from '../reports/shard-record.js';
import { expandZipArgs } from './zip-args.js';
import { takeShard } from './shard.js';
import { canonicalZipLocation, exportIdentity, sameExports, zipIdentity } from '../source/index.js';

/** True when the options name a tenant to talk to (a dry run without one never touches the network). */
export function wantsTenant(destination: DestinationSettings): boolean {
  return destination.tenant !== undefined || destination.accessTokenEnv !== undefined;
}

/**
 * Which mailbox each zip goes to: --mailbox for all, or map.csv; null where neither says. Globs no shell
 * expanded (an engine's command line) are expanded here; every zip and every path map.csv names is then
 * checked (exit 2 naming each one), before anything is read or written.
 */
export async function assignMailboxes(zipArgs: readonly string[], options: Pick<RunSettings, 'mailbox' | 'map'>): Promise<ZipToScan[]> {
  if (zipArgs.length === 0) throw new UsageError('give the export zips to read (or, for an import, --map with --wait-for-exports)');
  if (options.mailbox && options.map) throw new UsageError('use --mailbox or --map, not both');
  const paths = expandZipArgs(zipArgs);
  await checkSources(paths);
  checkOptionFile('--map', options.map);
  const rules = options.map ? readMapFile(options.map) : [];
  if (options.map) await checkMapRows(options.map, rules);
  if (!options.map) return paths.map((path) => ({ path, mailbox: options.mailbox ?? null }));
  const mailboxes = mailboxesFor(paths, rules);
  return paths.map((path, i) => ({ path, mailbox: mailboxes[i] ?? null }));
}

/**
 * The zips with their mailboxes, every start-up check passed: nothing has been written yet. `tenant` is
 * the destination the run will connect to, null for a dry run without one.
 */
export async function checkedStart(zipArgs: readonly string[], run: Pick<RunSettings, 'mailbox' | 'map' | 'report'>, tenant: DestinationSettings | null, io: CliIo): Promise<ZipToScan[]> {
  const zips = await assignMailboxes(zipArgs, run);
  if (tenant !== null) {
    const unmapped = zips.filter((z) => z.mailbox === null).map((z) => z.path);
    if (unmapped.length > 0) throw new UsageError(`no mailbox for ${unmapped.join(', ')}: give --mailbox, or a row in --map`);
    await checkOneMailboxPerExport(zips);
    checkCredential(tenant, io);
  }
  checkReportDir(run.report);
  return zips;
}

/**
 * One export, one mailbox: a copy of a zip (`ann (1).zip`, a symlink or hard link, the same export under two
 * names) that the map sends to another mailbox would put one person's mail into another's mailbox. An
 * export is known by its content (source/export-identity.ts), as the ledger knows it.
 */
export async function checkOneMailboxPerExport(zips: readonly ZipToScan[]): Promise<void> {
  if (new Set(zips.map((z) => z.mailbox)).size < 2) return;
  const mailboxOf = new Map<string, { path: string; mailbox: string | null }[]>();
  for (const zip of zips) {
    const location = canonicalZipLocation(zip.path);
    mailboxOf.set(location, [...(mailboxOf.get(location) ?? []), { path: zip.path, mailbox: zip.mailbox }]);
  }
  const problems = (await sameExports([...mailboxOf.keys()]))
    .map((group) => group.flatMap((location) => mailboxOf.get(location) ?? []))
    .filter((named) => new Set(named.map((n) => n.mailbox)).size > 1)
    .map((named) => `${named.map((n) => `${n.path} (to ${n.mailbox})`).join(' and ')} are the same export (same size and central directory): an export goes to one mailbox, so remove the copy or correct --map`);
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
}

/**
 * `{shard}` in --state and --report becomes the shard's number (1-based), so one engine command line
 * (no shell to expand the engine's variables) gives each shard its own ledger and report folder.
 */
export function withShardPaths<T extends Pick<RunSettings, 'state' | 'report'>>(options: T, spec: ShardSpec | undefined): T {
  const placeholder = '{shard}';
  const uses = options.state.includes(placeholder) || (options.report?.includes(placeholder) ?? false);
  if (!uses) return options;
  if (spec === undefined) throw new UsageError(`${placeholder} in --state or --report needs --shard`);
  const fill = (path: string): string => path.split(placeholder).join(String(spec.index));
  return { ...options, state: fill(options.state), report: options.report === undefined ? undefined : fill(options.report) };
}

/**
 * This run's share of the zips with --shard, and the assignment it was taken from (for the report); all of
 * them without. Writes its choice on stderr.
 */
export async function shardOf(zips: ZipToScan[], spec: ShardSpec | undefined, io: CliIo): Promise<{ zips: ZipToScan[]; shard?: ShardRecord }> {
  if (spec === undefined) return { zips };
  const taken = await takeShard(zips, spec);
  io.stderr.write(`eml-import: ${taken.summary}\n`);
  return { zips: taken.zips, shard: taken.record };
}

export function checkMapping(ledger: Ledger, policy: PolicySettings, state: string): void {
  const wanted = mappingFingerprint(policy);
  const stored = ledger.getMeta('mapping');
  if (stored === null) ledger.setMeta('mapping', wanted);
  else if (stored !== wanted) {
    throw new UsageError(
      `the ledger in ${state} was made with other folder, spam or filter options (${stored}); ` +
        'run with the same options to resume, or give a new --state to start over',
    );
  }
}

/**
 * A zip that an earlier run with this ledger imported into one mailbox and that this command sends to
 * another stops the run: resumed, its rows would count as already in the new mailbox and nothing would
 * be sent there. The zip is known by its path, or, moved or renamed since (the scan would resume it from
 * its old rows), by its size and identity. A typo fixed after "mailbox … does not exist" is not stopped:
 * nothing went anywhere.
 */
export async function checkMailboxesUnchanged(ledger: Ledger, zips: readonly ZipToScan[], state: string): Promise<void> {
  const settled = ledger.settledZips();
  if (settled.length === 0) return;
  const byPath = new Map(settled.map((z) => [z.path, z]));
  const runPaths = new Set(zips.map((z) => canonicalZipLocation(z.path)));
  // Only an export the ledger knows at a path this run does not give can have moved here.
  const elsewhere = settled.filter((z) => !runPaths.has(z.path) && z.identity !== null);
  const changes: string[] = [];
  for (const zip of zips) {
    if (zip.mailbox === null) continue;
    const path = canonicalZipLocation(zip.path);
    const known = byPath.get(path);
    if (known !== undefined) {
      if (known.mailbox !== zip.mailbox) changes.push(changeSentence(zip.path, known, zip.mailbox, state));
      continue;
    }
    // Sizes first (a stat or the HEAD already made): tails are read only for an export of a known size.
    const size = elsewhere.length === 0 ? undefined : (await zipIdentity(zip.path))?.size;
    const sameSize = elsewhere.filter((z) => z.size === size);
    if (sameSize.length === 0) continue;
    const identity = await exportIdentity(zip.path);
    const moved = sameSize.find((z) => z.identity === identity);
    if (moved !== undefined && moved.mailbox !== zip.mailbox) changes.push(changeSentence(`${zip.path} (read before at ${moved.path})`, moved, zip.mailbox, state));
  }
  if (changes.length > 0) throw new UsageError(changes.join('\n'));
}

function changeSentence(zip: string, was: { mailbox: string; settled: number }, now: string, state: string): string {
  return (
    `${zip}: an earlier run with --state ${state} put ${was.settled} of its messages into ${was.mailbox}, and this command sends it to ${now}; ` +
    `if ${now} is right, give a new --state (messages already in ${now} are recognised, not sent twice), otherwise correct --mailbox or the map`
  );
}

/** Tests and log-watching admins can ask for plain progress lines more often than every 10 s. */
export function progressInterval(io: CliIo): number | undefined {
  const value = Number(io.env['EML_IMPORT_PROGRESS_INTERVAL_MS']);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}
