/** The plan as `plan --json` prints it and the dry run's report.json holds it (its `plan` section). */
import type { EstatePlan } from '../plan/estate.js';

export function planJson(plan: EstatePlan, problems: readonly string[] = []): object {
  const round = (s: number): number => Math.round(s * 10) / 10;
  return {
    assumptions: { ...plan.assumptions },
    parallel: plan.parallel,
    machines: plan.machines,
    totals: { ...plan.totals, mailboxSeconds: round(plan.totals.mailboxSeconds) },
    seconds: round(plan.seconds),
    lowerBoundSeconds: round(plan.lowerBoundSeconds),
    largestMailbox: plan.largestMailbox,
    mailboxes: plan.mailboxes.map((m) => ({
      mailbox: m.mailbox,
      zips: [...m.zips],
      messages: m.messages,
      bytes: m.bytes,
      seconds: round(m.seconds),
      binding: m.binding,
      bounds: Object.fromEntries(Object.entries(m.bounds).map(([k, v]) => [k, round(v)])),
    })),
    shards: plan.shards.map((s) => ({ ...s, mailboxes: [...s.mailboxes], seconds: round(s.seconds) })),
    problems: [...problems],
  };
}
