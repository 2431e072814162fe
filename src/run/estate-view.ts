/**
 * The live view when there are more mailboxes than lines to show them (a screenful of bars, or a log
 * line): totals, the busiest mailboxes right now, and the slowest ETA, as rclone shows its transfers.
 * Pure: snapshots in, text out; the caller keeps the previous snapshot for the recent rates.
 */
import type { MailboxCounters, StatsSnapshot } from '../accounting/stats.js';

export interface MailboxLine {
  readonly upn: string;
  readonly counters: Readonly<MailboxCounters>;
  /** Messages per second since the previous snapshot. */
  readonly recentRate: number;
  /** Seconds left at its rate since it started; null when unknown or done. */
  readonly etaSeconds: number | null;
}

export interface EstateView {
  readonly totals: string;
  /** The busiest mailboxes, busiest first. */
  readonly busiest: readonly MailboxLine[];
}

const isDone = (m: Readonly<MailboxCounters>): boolean => m.finished;
const isActive = (m: Readonly<MailboxCounters>): boolean => m.startedAtMs > 0 && !m.finished;

export function mailboxEta(m: Readonly<MailboxCounters>, nowMs: number): number | null {
  if (!isActive(m) || m.done >= m.wanted || m.done === 0) return null;
  const seconds = (nowMs - m.startedAtMs) / 1000;
  return seconds > 0 ? ((m.wanted - m.done) * seconds) / m.done : null;
}

export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(s).padStart(2, '0')}s` : `${s}s`;
}

/**
 * `limit` mailbox lines at most. Busiest = most messages settled since the previous snapshot, then most
 * done, then by name, so the list is stable when nothing moves.
 */
export function estateView(now: StatsSnapshot, previous: StatsSnapshot | null, limit: number, nowMs: number): EstateView {
  const interval = previous ? Math.max(0.001, (now.elapsedMs - previous.elapsedMs) / 1000) : Math.max(0.001, now.elapsedMs / 1000);
  const lines: MailboxLine[] = Object.entries(now.mailboxes).map(([upn, m]) => {
    const before = previous?.mailboxes[upn]?.done ?? 0;
    return { upn, counters: m, recentRate: Math.max(0, m.done - before) / interval, etaSeconds: mailboxEta(m, nowMs) };
  });
  const all = Object.values(now.mailboxes);
  const total = Math.max(now.mailboxesTotal, all.length);
  const done = all.filter(isDone).length;
  const active = all.filter(isActive).length;
  const failed = all.reduce((n, m) => n + m.failed, 0);
  const settled = all.reduce((n, m) => n + m.done, 0);
  const wanted = all.reduce((n, m) => n + m.wanted, 0);
  const bytes = all.reduce((n, m) => n + m.bytesUploaded, 0);
  const rate = lines.reduce((n, l) => n + l.recentRate, 0);
  const slowest = lines.reduce<MailboxLine | null>((worst, l) => (l.etaSeconds !== null && (worst === null || l.etaSeconds > (worst.etaSeconds as number)) ? l : worst), null);
  const totals =
    `${total} mailboxes: ${done} done, ${active} importing, ${total - done - active} waiting | ${settled}/${wanted} messages${failed ? ` (${failed} failed)` : ''}` +
    ` | ${(bytes / 1e6).toFixed(1)} MB | ${rate.toFixed(1)} msg/s` +
    (slowest ? ` | slowest ${slowest.upn} ETA ${formatDuration(slowest.etaSeconds as number)}` : '');
  const busiest = lines
    .filter((l) => isActive(l.counters))
    .sort((a, b) => b.recentRate - a.recentRate || b.counters.done - a.counters.done || (a.upn < b.upn ? -1 : a.upn > b.upn ? 1 : 0))
    .slice(0, Math.max(0, limit));
  return { totals, busiest };
}
