import { createRequire } from 'node:module';
import type CliProgress from 'cli-progress';
import type { MailboxCounters, Stats, StatsSnapshot } from '../accounting/stats.js';
import type { OutputStream } from './io.js';
import { estateView, formatDuration, mailboxEta } from './estate-view.js';
import { terminalSafe } from '../reports/text-width.js';

// A CommonJS package, loaded with require() (README, Development: start-up).
const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof CliProgress;

/** How often plain progress lines are written when stderr is not a terminal (logs, CI, cron). */
const PLAIN_INTERVAL_MS = 10_000;
const BAR_REFRESH_MS = 250;

const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);

function rate(count: number, elapsedMs: number): string {
  return elapsedMs > 0 ? (count / (elapsedMs / 1000)).toFixed(1) : '0.0';
}

/** One bar line's text for a mailbox: messages, MB, rate, ETA and how long its limits held it back. */
function mailboxText(upn: string, m: MailboxCounters, elapsedMs: number): string {
  const eta = m.startedAtMs > 0 ? mailboxEta(m, Date.now()) : etaSeconds(m.done, m.wanted, elapsedMs);
  const waits = m.heldBackMs > 0 ? ` | held back ${formatDuration(m.heldBackMs / 1000)} by limits` : '';
  return `${upn} | ${m.done}/${m.wanted}${m.failed ? ` (${m.failed} failed)` : ''} | ${mb(m.bytesUploaded)} MB | ${rate(m.done, elapsedMs)} msg/s${eta === null ? '' : ` | ETA ${formatDuration(eta)}`}${waits}`;
}

/** What the scan bar says once the scan is over, so it does not echo the import's figures. */
function scannedText(s: StatsSnapshot): string {
  return `read ${s.zipsDone}/${s.zipsTotal} zip${s.zipsTotal === 1 ? '' : 's'}: ${s.entriesScanned} entries, ${mb(s.bytesScanned)} MB, ${s.unreadable} unreadable`;
}

/** The phase before the scan when a tenant is given (commands/import.ts). */
export const CHECKING_TENANT = 'checking the tenant';

/** Mailboxes named in one plain progress line before it switches to totals and the busiest. */
const PLAIN_MAILBOXES = 6;

/** One line that says where the run is; the same text feeds the bar's payload and the plain lines. */
export function describeProgress(s: StatsSnapshot, previous: StatsSnapshot | null = null): string {
  if (s.phase === CHECKING_TENANT || s.phase === 'scanning') {
    // Mailboxes are imported as soon as their zips are read: while the scan goes on, both on one line.
    const started = s.phase === 'scanning' && Object.keys(s.mailboxes).length > 0;
    return started ? `${scanPhaseText(s)} | ${mailboxesText(s, previous)}` : scanPhaseText(s);
  }
  return `${s.phase}: ${mailboxesText(s, previous) || 'preparing'}`;
}

/** The scan's part of the line (or the tenant check before it). */
function scanPhaseText(s: StatsSnapshot): string {
  if (s.phase === CHECKING_TENANT) return `${CHECKING_TENANT}: the token, the permissions and every mailbox, before the zips are read`;
  if (s.phase !== 'scanning') return `${s.phase}: preparing`;
  const eta = etaSeconds(s.zipBytesRead, s.zipBytesTotal, s.elapsedMs);
  const done = s.zipBytesTotal > 0 ? `, ${Math.floor((100 * Math.min(s.zipBytesRead, s.zipBytesTotal)) / s.zipBytesTotal)}%${eta === null ? '' : `, ETA ${formatDuration(eta)}`}` : '';
  return `scanning: zip ${Math.min(s.zipsDone + 1, s.zipsTotal)}/${s.zipsTotal}, ${s.entriesScanned} entries, ${mb(s.bytesScanned)} MB, ${rate(s.entriesScanned, s.elapsedMs)} entries/s, ${s.unreadable} unreadable${done}`;
}

/** The mailboxes' part: each by name, or above a few, totals and the busiest. */
function mailboxesText(s: StatsSnapshot, previous: StatsSnapshot | null): string {
  if (Math.max(s.mailboxesTotal, Object.keys(s.mailboxes).length) > PLAIN_MAILBOXES) {
    const view = estateView(s, previous, 3, Date.now());
    const busiest = view.busiest.map((l) => `${l.upn} ${l.counters.done}/${l.counters.wanted} ${l.recentRate.toFixed(1)} msg/s`).join(', ');
    return `${view.totals}${busiest ? ` | busiest: ${busiest}` : ''}`;
  }
  return Object.entries(s.mailboxes).map(([upn, m]) => mailboxText(upn, m, s.elapsedMs)).join('; ');
}

function etaSeconds(done: number, wanted: number, elapsedMs: number): number | null {
  if (done === 0 || wanted <= done) return null;
  return ((wanted - done) * elapsedMs) / done / 1000;
}


export interface ProgressHandle {
  /** Writes a line above the bars (or plainly), so log lines never tear them. */
  log(line: string): void;
  stop(): void;
}

/** Erases the terminal line the cursor is on: a log line must not keep the tail of the bar it replaces. */
const CLEAR_LINE = '\x1b[2K';

/**
 * A log line as printed: its folder names, zip entry names and errors come from the mail, and an escape
 * sequence in one (a folder named `\x1b]0;…\x07`, a zip entry `\x1b[2J.eml`) would retitle the window,
 * clear the screen or move the cursor over the lines above it. Every line goes through here, on a
 * terminal and in a log file alike.
 */
const printable = (line: string): string => terminalSafe(line);

/**
 * Live bars on a terminal (cli-progress): one while scanning, then one per mailbox while importing.
 * Otherwise plain periodic lines, because cli-progress prints nothing at all when its stream is not a
 * TTY, which would leave a 2 a.m. log silent for hours.
 */
export function startProgress(stats: Stats, stream: OutputStream, enabled: boolean, intervalMs = PLAIN_INTERVAL_MS): ProgressHandle {
  if (!enabled) return { log: (line) => stream.write(`${printable(line)}\n`), stop: () => undefined };
  if (!stream.isTTY) {
    let previous: StatsSnapshot | null = null;
    const timer = setInterval(() => {
      const snapshot = stats.snapshot();
      stream.write(`${describeProgress(snapshot, previous)}\n`);
      previous = snapshot;
    }, intervalMs);
    timer.unref();
    return { log: (line) => stream.write(`${printable(line)}\n`), stop: () => clearInterval(timer) };
  }
  // cli-progress writes log lines where the bars were and then redraws only the bars whose text changed:
  // a bar that had not changed left an older bar's copy on screen, and a log line shorter than the bar
  // under it kept that bar's tail ('… 40 to upload0 msg/s | ETA 13s'). So every bar is redrawn on every
  // update (forceRedraw), each log line clears its own line first, and line wrapping stays on: bars are
  // cut to the terminal's width by cli-progress, and a long log line wraps above them instead of being cut.
  const multibar = new cliProgress.MultiBar(
    { format: '{bar} {text}', barsize: 20, hideCursor: true, clearOnComplete: false, stream: stream as NodeJS.WritableStream, autopadding: true, forceRedraw: true, linewrap: true },
    cliProgress.Presets.shades_classic,
  );
  // The scan's bar moves with the bytes of zip read, so that one large mailbox does not sit at 0% until done.
  const scanBar = multibar.create(1, 0, { text: scanPhaseText(stats.snapshot()) });
  const mailboxBars = new Map<string, CliProgress.SingleBar>();
  // Above a screenful of mailboxes: a totals bar and the busiest few in reused bars, never one per mailbox.
  const maxBars = Math.max(3, (stream.rows ?? 24) - 4);
  let estate: { readonly totals: CliProgress.SingleBar; readonly slots: CliProgress.SingleBar[] } | null = null;
  let previous: StatsSnapshot | null = null;
  let previousAt = 0;
  const redraw = (): void => {
    const snapshot = stats.snapshot();
    if (estate === null && Math.max(snapshot.mailboxesTotal, Object.keys(snapshot.mailboxes).length) > maxBars) {
      for (const bar of mailboxBars.values()) multibar.remove(bar);
      mailboxBars.clear();
      estate = { totals: multibar.create(1, 0, { text: '' }), slots: [] };
    }
    const scanning = snapshot.phase === 'scanning' || snapshot.phase === 'starting' || snapshot.phase === CHECKING_TENANT;
    scanBar.setTotal(Math.max(1, snapshot.zipBytesTotal));
    scanBar.update(Math.min(snapshot.zipBytesRead, snapshot.zipBytesTotal), { text: scanning ? scanPhaseText(snapshot) : scannedText(snapshot) });
    if (estate !== null) {
      // Recent rates over about 5 s, not one 250 ms tick, so the busiest list does not flicker.
      const view = estateView(snapshot, previous, maxBars - 2, Date.now());
      if (previous === null || snapshot.elapsedMs - previousAt >= 5000) {
        previous = snapshot;
        previousAt = snapshot.elapsedMs;
      }
      const all = Object.values(snapshot.mailboxes);
      estate.totals.setTotal(Math.max(1, all.reduce((n, m) => n + m.wanted, 0)));
      estate.totals.update(all.reduce((n, m) => n + m.done, 0), { text: view.totals });
      view.busiest.forEach((line, i) => {
        const slot = estate!.slots[i] ?? multibar.create(1, 0, { text: '' });
        estate!.slots[i] = slot;
        slot.setTotal(Math.max(1, line.counters.wanted));
        slot.update(line.counters.done, { text: mailboxText(line.upn, line.counters, snapshot.elapsedMs) });
      });
      for (const slot of estate.slots.slice(view.busiest.length)) slot.update(0, { text: '' });
      return;
    }
    for (const [upn, m] of Object.entries(snapshot.mailboxes)) {
      let bar = mailboxBars.get(upn);
      if (!bar) {
        bar = multibar.create(Math.max(1, m.wanted), 0, { text: '' });
        mailboxBars.set(upn, bar);
      }
      bar.setTotal(Math.max(1, m.wanted));
      bar.update(m.done, { text: mailboxText(upn, m, snapshot.elapsedMs) });
    }
  };
  const timer = setInterval(redraw, BAR_REFRESH_MS);
  return {
    log: (line) => multibar.log(`${CLEAR_LINE}${printable(line)}\n`),
    stop: () => {
      clearInterval(timer);
      redraw();
      // cli-progress prints log lines at its next update and its stop() drops those still waiting: a
      // line logged in the last tenth of a second (the scan's last unreadable entry, the warning that an
      // --include-folder matches nothing) was never shown. One update first prints them above the bars.
      multibar.update();
      multibar.stop();
    },
  };
}
