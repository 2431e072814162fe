/**
 * The estate plan: per mailbox its size and shortest import time, the shard assignment over the machines,
 * and the wall-clock time for `parallel` mailboxes at once on each machine. Pure: sizes in, numbers out.
 */
import { mailboxTime, type BindingLimit } from './mailbox-time.js';
import { largestFirst } from './run-order.js';
import { assignShards } from './shards.js';
import { makespan } from './schedule.js';
import type { PlanAssumptions } from './assumptions.js';

export interface MailboxSize {
  readonly mailbox: string;
  readonly zips: readonly string[];
  readonly messages: number;
  readonly bytes: number;
}

export interface MailboxPlan extends MailboxSize {
  readonly seconds: number;
  readonly binding: BindingLimit;
  readonly bounds: Readonly<Record<BindingLimit, number>>;
}

export interface ShardPlan {
  /** 1-based, as `--shard i/n` takes it. */
  readonly shard: number;
  readonly mailboxes: readonly string[];
  readonly messages: number;
  readonly bytes: number;
  /** This shard's wall-clock with `parallel` mailboxes at once. */
  readonly seconds: number;
}

export interface EstatePlan {
  readonly assumptions: PlanAssumptions;
  readonly parallel: number;
  readonly machines: number;
  /** Largest first, the order a run takes them. */
  readonly mailboxes: readonly MailboxPlan[];
  readonly totals: { readonly mailboxes: number; readonly messages: number; readonly bytes: number; readonly mailboxSeconds: number };
  readonly shards: readonly ShardPlan[];
  /** The estate's wall-clock: its slowest shard. */
  readonly seconds: number;
  /** No schedule beats this: the largest mailbox alone, or all the work spread perfectly over every slot. */
  readonly lowerBoundSeconds: number;
  /** The mailbox that bounds the estate from below, when it alone is the lower bound. */
  readonly largestMailbox: string | null;
}

export interface EstateOptions {
  readonly parallel: number;
  readonly machines: number;
}

export function planEstate(sizes: readonly MailboxSize[], options: EstateOptions, assumptions: PlanAssumptions): EstatePlan {
  const mailboxes = largestFirst(sizes).map((size): MailboxPlan => ({ ...size, ...mailboxTime(size, assumptions) }));
  const byName = new Map(mailboxes.map((m) => [m.mailbox, m]));
  const shards = assignShards(mailboxes, options.machines).map((members, k): ShardPlan => ({
    shard: k + 1,
    mailboxes: members.map((m) => m.mailbox),
    messages: members.reduce((n, m) => n + m.messages, 0),
    bytes: members.reduce((n, m) => n + m.bytes, 0),
    seconds: makespan(members.map((m) => byName.get(m.mailbox) as MailboxPlan), options.parallel),
  }));
  const mailboxSeconds = mailboxes.reduce((n, m) => n + m.seconds, 0);
  const longest = mailboxes.reduce<MailboxPlan | null>((best, m) => (best === null || m.seconds > best.seconds ? m : best), null);
  const spread = mailboxSeconds / (options.parallel * options.machines);
  return {
    assumptions,
    parallel: options.parallel,
    machines: options.machines,
    mailboxes,
    totals: {
      mailboxes: mailboxes.length,
      messages: mailboxes.reduce((n, m) => n + m.messages, 0),
      bytes: mailboxes.reduce((n, m) => n + m.bytes, 0),
      mailboxSeconds,
    },
    shards,
    seconds: Math.max(0, ...shards.map((s) => s.seconds)),
    lowerBoundSeconds: Math.max(longest?.seconds ?? 0, spread),
    largestMailbox: longest !== null && longest.seconds >= spread ? longest.mailbox : null,
  };
}
