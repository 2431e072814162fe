import cliProgress from 'cli-progress';
import type { Stats, StatsSnapshot } from '../accounting/stats.js';
import type { OutputStream } from '../commands/io.js';

/** How often plain progress lines are written when stderr is not a terminal (logs, CI, cron). */
const PLAIN_INTERVAL_MS = 10_000;
const BAR_REFRESH_MS = 250;

const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);

function rate(count: number, elapsedMs: number): string {
  return elapsedMs > 0 ? (count / (elapsedMs / 1000)).toFixed(1) : '0.0';
}

/** One line that says where the run is; the same text feeds the bar's payload and the plain lines. */
export function describeProgress(s: StatsSnapshot): string {
  if (s.phase === 'scanning') {
    return `scanning: zip ${Math.min(s.zipsDone + 1, s.zipsTotal)}/${s.zipsTotal}, ${s.entriesScanned} entries, ${mb(s.bytesScanned)} MB, ${rate(s.entriesScanned, s.elapsedMs)} entries/s, ${s.unreadable} unreadable`;
  }
  const parts = Object.entries(s.mailboxes).map(([upn, m]) => {
    const eta = etaSeconds(m.done, m.wanted, s.elapsedMs);
    const waits = m.throttleWaitMs > 0 ? `, throttled ${(m.throttleWaitMs / 1000).toFixed(0)}s` : '';
    return `${upn} ${m.done}/${m.wanted} (${m.failed} failed), ${mb(m.bytesUploaded)} MB, ${rate(m.done, s.elapsedMs)} msg/s${eta === null ? '' : `, ETA ${formatDuration(eta)}`}${waits}`;
  });
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
  /** Writes a line above the bar (or plainly), so log lines never tear the bar. */
  log(line: string): void;
  stop(): void;
}

/**
 * A live bar on a terminal (cli-progress), plain periodic lines otherwise: cli-progress prints nothing
 * at all when its stream is not a TTY, which would leave a 2 a.m. log silent for hours.
 */
export function startProgress(stats: Stats, stream: OutputStream, enabled: boolean, intervalMs = PLAIN_INTERVAL_MS): ProgressHandle {
  if (!enabled) return { log: (line) => stream.write(`${line}\n`), stop: () => undefined };
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: '{bar} {text}', barsize: 20, hideCursor: true, clearOnComplete: false, stream: stream as NodeJS.WritableStream },
      cliProgress.Presets.shades_classic,
    );
    const total = (): number => Math.max(1, stats.phase === 'scanning' ? stats.zipsTotal : Object.values(stats.snapshot().mailboxes).reduce((n, m) => n + m.wanted, 0));
    const done = (): number => (stats.phase === 'scanning' ? stats.zipsDone : Object.values(stats.snapshot().mailboxes).reduce((n, m) => n + m.done, 0));
    bar.start(total(), done(), { text: describeProgress(stats.snapshot()) });
    const timer = setInterval(() => {
      bar.setTotal(total());
      bar.update(done(), { text: describeProgress(stats.snapshot()) });
    }, BAR_REFRESH_MS);
    return {
      log: (line) => {
        // Clear the bar's line, print, and let the next tick redraw it.
        stream.write(`\r\x1b[2K${line}\n`);
      },
      stop: () => {
        clearInterval(timer);
        bar.update(done(), { text: describeProgress(stats.snapshot()) });
        bar.stop();
      },
    };
  }
  const timer = setInterval(() => stream.write(`${describeProgress(stats.snapshot())}\n`), intervalMs);
  timer.unref();
  return {
    log: (line) => stream.write(`${line}\n`),
    stop: () => clearInterval(timer),
  };
}
