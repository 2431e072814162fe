/** The plan as a terminal table: per mailbox, the estate, and the shard assignment with each shard's time. */
import { describeAssumptions } from '../plan/assumptions.js';
import type { EstatePlan } from '../plan/estate.js';
import { formatBytes, formatCount, plural } from './format.js';
import { formatDuration } from './duration.js';
import { padToWidth, terminalSafe, truncateToWidth } from './text-width.js';

const NAME_WIDTH = 40;

export function renderPlan(plan: EstatePlan, problems: readonly string[] = []): string {
  const out: string[] = [];
  const t = plan.totals;
  out.push(`Estate plan: ${plural(t.mailboxes, 'mailbox', 'mailboxes')}, ${plural(t.messages, 'message')}, ${formatBytes(t.bytes)} (read from the zips' central directories)`);
  out.push(`Assumes ${describeAssumptions(plan.assumptions)}.`);
  out.push('');
  const header = `${padToWidth('mailbox', NAME_WIDTH)} ${padToWidth('zips', 5, 'right')} ${padToWidth('messages', 10, 'right')} ${padToWidth('size', 9, 'right')} ${padToWidth('shortest', 9, 'right')}  bound by`;
  out.push(header);
  for (const m of plan.mailboxes) {
    out.push(
      `${padToWidth(truncateToWidth(terminalSafe(m.mailbox), NAME_WIDTH, 'middle'), NAME_WIDTH)} ${padToWidth(String(m.zips.length), 5, 'right')}` +
        ` ${padToWidth(formatCount(m.messages), 10, 'right')} ${padToWidth(formatBytes(m.bytes), 9, 'right')} ${padToWidth(formatDuration(m.seconds), 9, 'right')}  ${m.binding}`,
    );
  }
  out.push('');
  const where = plan.machines === 1 ? 'one machine' : `${plan.machines} machines`;
  out.push(`Estate: ${formatDuration(plan.seconds)} with --parallel ${plan.parallel} on ${where} (${formatDuration(t.mailboxSeconds)} of mailbox time in all).`);
  const bound = plan.largestMailbox !== null ? `the longest mailbox alone, ${terminalSafe(plan.largestMailbox)}` : `all the work spread evenly over ${plan.parallel * plan.machines} slots`;
  out.push(`No schedule does better than ${formatDuration(plan.lowerBoundSeconds)}: ${bound}.`);
  if (plan.machines > 1) {
    out.push('');
    out.push(`Shards (--shard i/${plan.machines}, whole mailboxes, balanced by bytes):`);
    for (const s of plan.shards) {
      const names = s.mailboxes.slice(0, 3).map(terminalSafe).join(', ') + (s.mailboxes.length > 3 ? `, … ${s.mailboxes.length - 3} more` : '');
      out.push(
        `  ${padToWidth(`${s.shard}/${plan.machines}`, 9)} ${padToWidth(plural(s.mailboxes.length, 'mailbox', 'mailboxes'), 15)} ${padToWidth(plural(s.messages, 'message'), 18)}` +
          ` ${padToWidth(formatBytes(s.bytes), 9, 'right')} ${padToWidth(formatDuration(s.seconds), 9, 'right')}  ${names}`,
      );
    }
    const slowest = plan.shards.reduce((a, b) => (b.seconds > a.seconds ? b : a));
    const fastest = plan.shards.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    if (slowest.seconds > 0) out.push(`  slowest shard ${slowest.shard} takes ${formatDuration(slowest.seconds)}, fastest ${fastest.shard} ${formatDuration(fastest.seconds)}.`);
  }
  for (const p of problems) out.push(`warning: ${p}`);
  return `${out.join('\n')}\n`;
}
