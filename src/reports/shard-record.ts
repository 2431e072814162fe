/**
 * What a `--shard` run writes into its report.json about the estate: its shard, the shard count and the
 * whole assignment it computed (every mailbox of the estate to its 1-based shard). `report merge` has
 * nothing else to tell the estate from the reports it was given: without it, a shard that never wrote a
 * report, or a mailbox that moved to a shard which had already run (a zip re-exported with another size,
 * a map row added), left the merged report saying "0 pending" for an estate it did not cover.
 */
export interface ShardRecord {
  /** 1-based. */
  readonly index: number;
  readonly count: number;
  /** Every mailbox of the estate to the shard (1-based) this run's assignment gave it, sorted by mailbox. */
  readonly assignment: Readonly<Record<string, number>>;
}

/** report.json's `shard` back into a record; undefined when the run had no --shard (or predates it). */
export function shardRecordFrom(raw: unknown, where: string): ShardRecord | undefined {
  if (raw === undefined || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const assignment = r['assignment'];
  const whole = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1;
  if (!whole(r['index']) || !whole(r['count']) || typeof assignment !== 'object' || assignment === null || !Object.values(assignment).every(whole)) {
    throw new Error(`${where}: 'shard' is not a shard record (index, count, assignment)`);
  }
  return { index: r['index'], count: r['count'], assignment: assignment as Record<string, number> };
}

export interface ShardSet {
  readonly dir: string;
  readonly record: ShardRecord | undefined;
  /** The mailboxes this shard's report has zips for. */
  readonly mailboxes: ReadonlySet<string>;
}

const SHOWN = 10;

function listed(items: readonly string[]): string {
  return items.length <= SHOWN ? items.join(', ') : `${items.slice(0, SHOWN).join(', ')} and ${items.length - SHOWN} more`;
}

/**
 * The sentences that stop a merge whose reports do not cover one estate: a missing shard, shards of
 * different counts, and mailboxes that no given report covers although some shard's assignment names
 * them. Empty when the reports carry no records (runs without --shard), so merging those stays as it was.
 */
export function shardCoverageProblems(shards: readonly ShardSet[]): string[] {
  const recorded = shards.filter((s) => s.record !== undefined);
  if (recorded.length === 0) return [];
  const problems: string[] = [];
  const unrecorded = shards.filter((s) => s.record === undefined).map((s) => s.dir);
  if (unrecorded.length > 0) problems.push(`${listed(unrecorded)}: not the report of a --shard run (or of an older eml-import); merge the reports of one sharded estate`);
  const counts = [...new Set(recorded.map((s) => (s.record as ShardRecord).count))].sort((a, b) => a - b);
  if (counts.length > 1) problems.push(`the shards were run with different shard counts (${counts.map((n) => `/${n}`).join(', ')}): ${recorded.map((s) => `${s.dir} is ${s.record?.index}/${s.record?.count}`).join(', ')}`);
  const count = counts[counts.length - 1] as number;
  const present = new Set(recorded.map((s) => (s.record as ShardRecord).index));
  // A shard is missing when an assignment gives it mailboxes: one past the mailbox count has nothing to report.
  const given = new Set(recorded.flatMap((s) => Object.values((s.record as ShardRecord).assignment)));
  const missing = [...given].filter((i) => !present.has(i)).sort((a, b) => a - b);
  const covered = new Set(shards.flatMap((s) => [...s.mailboxes]));
  // Every mailbox any shard's assignment names, with the shards it was given to, to say why it is uncovered.
  const assignedTo = new Map<string, Set<number>>();
  for (const s of recorded) {
    for (const [mailbox, shard] of Object.entries((s.record as ShardRecord).assignment)) assignedTo.set(mailbox, (assignedTo.get(mailbox) ?? new Set()).add(shard));
  }
  const uncovered = [...assignedTo.keys()].filter((m) => !covered.has(m)).sort();
  if (missing.length > 0) problems.push(`no report for ${missing.length === 1 ? 'shard' : 'shards'} ${missing.map((i) => `${i}/${count}`).join(', ')}: run ${missing.length === 1 ? 'it' : 'them'}, or give ${missing.length === 1 ? 'its' : 'their'} report folder`);
  const moved = uncovered.filter((m) => (assignedTo.get(m)?.size ?? 0) > 1);
  if (moved.length > 0) {
    problems.push(
      `the shards computed different assignments (the map or a zip's size changed between their runs), and no report covers ${listed(moved)}: ` +
        'run the shards again with the same zips and map, and check with eml-import reconcile over the whole estate',
    );
  }
  const notRun = uncovered.filter((m) => !moved.includes(m));
  if (notRun.length > 0) problems.push(`${plural(notRun.length)} of the estate ${notRun.length === 1 ? 'is' : 'are'} in no report given: ${listed(notRun)}`);
  return problems;
}

function plural(n: number): string {
  return n === 1 ? '1 mailbox' : `${n} mailboxes`;
}
