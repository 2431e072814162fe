import cliProgress from 'cli-progress';
import type { MailboxCounters, Stats, StatsSnapshot } from '../accounting/stats.js';
import type { OutputStream } from '../commands/io.js';

/** How often plain progress lines are written when stderr is not a terminal (logs, CI, cron). */
const PLAIN_INTERVAL_MS = 10_000;
const BAR_REFRESH_MS = 250;

const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);

function rate(count: number, elapsedMs: number): string {
  return elapsedMs > 0 ? (count / (elapsedMs / 1000)).toFixed(1) : '0.0';
}

/** One bar line's text for a mailbox: messages, MB, rate, ETA and how long its limits held it back. */
function mailboxText(upn: string, m: MailboxCounters, elapsedMs: number): string {
  const eta = etaSeconds(m.done, m.wanted, elapsedMs);
  const waits = m.heldBackMs > 0 ? ` | held back ${formatDuration(m.heldBackMs / 1000)} by limits` : '';
  return `${upn} | ${m.done}/${m.wanted}${m.failed ? ` (${m.failed} failed)` : ''} | ${mb(m.bytesUploaded)} MB | ${rate(m.done, elapsedMs)} msg/s${eta === null ? '' : ` | ETA ${formatDuration(eta)}`}${waits}`;
}

/** What the scan bar says once the scan is over, so it does not echo the import's figures. */
function scannedText(s: StatsSnapshot): string {
  return `read ${s.zipsDone}/${s.zipsTotal} zip${s.zipsTotal === 1 ? '' : 's'}: ${s.entriesScanned} entries, ${mb(s.bytesScanned)} MB, ${s.unreadable} unreadable`;
}

/** One line that says where the run is; the same text feeds the bar's payload and the plain lines. */
export function describeProgress(s: StatsSnapshot): string {
  if (s.phase === 'scanning') {
    const eta = etaSeconds(s.zipBytesRead, s.zipBytesTotal, s.elapsedMs);
    const done = s.zipBytesTotal > 0 ? `, ${Math.floor((100 * Math.min(s.zipBytesRead, s.zipBytesTotal)) / s.zipBytesTotal)}%${eta === null ? '' : `, ETA ${formatDuration(eta)}`}` : '';
    return `scanning: zip ${Math.min(s.zipsDone + 1, s.zipsTotal)}/${s.zipsTotal}, ${s.entriesScanned} entries, ${mb(s.bytesScanned)} MB, ${rate(s.entriesScanned, s.elapsedMs)} entries/s, ${s.unreadable} unreadable${done}`;
  }
  const parts = Object.entries(s.mailboxes).map(([upn, m]) => mailboxText(upn, m, s.elapsedMs));
  return `${s.phase}: ${parts.join('; ') || 'preparing'}`;
}

function etaSeconds(done: number, wanted: number, elapsedMs: number): number | null {
  if (done === 0 || wanted <= done) return null;
  return ((wanted - done) * elapsedMs) / done / 1000;
}

function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(s).padStart(2, '0')}s` : `${s}s`;
}

export interface ProgressHandle {
  /** Writes a line above the bars (or plainly), so log lines never tear them. */
  log(line: string): void;
  stop(): void;
}

/** Erases the terminal line the cursor is on: a log line must not keep the tail of the bar it replaces. */
const CLEAR_LINE = '\x1b[2K';

/**
 * Live bars on a terminal (cli-progress): one while scanning, then one per mailbox while importing.
 * Otherwise plain periodic lines, because cli-progress prints nothing at all when its stream is not a
 * TTY, which would leave a 2 a.m. log silent for hours.
 */
export function startProgress(stats: Stats, stream: OutputStream, enabled: boolean, intervalMs = PLAIN_INTERVAL_MS): ProgressHandle {
  if (!enabled) return { log: (line) => stream.write(`${line}\n`), stop: () => undefined };
  if (!stream.isTTY) {
    const timer = setInterval(() => stream.write(`${describeProgress(stats.snapshot())}\n`), intervalMs);
    timer.unref();
    return { log: (line) => stream.write(`${line}\n`), stop: () => clearInterval(timer) };
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
  const scanBar = multibar.create(1, 0, { text: describeProgress(stats.snapshot()) });
  const mailboxBars = new Map<string, cliProgress.SingleBar>();
  const redraw = (): void => {
    const snapshot = stats.snapshot();
    const scanning = snapshot.phase === 'scanning' || snapshot.phase === 'starting';
    scanBar.setTotal(Math.max(1, snapshot.zipBytesTotal));
    scanBar.update(Math.min(snapshot.zipBytesRead, snapshot.zipBytesTotal), { text: scanning ? describeProgress(snapshot) : scannedText(snapshot) });
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
    log: (line) => multibar.log(`${CLEAR_LINE}${line}\n`),
    stop: () => {
      clearInterval(timer);
      redraw();
      multibar.stop();
    },
  };
}
