/**
 * When a read pool starts another worker. A scan starts with one worker per core but one, leaving the main
 * thread a core for its own work per entry (decoding headers, the ledger). Whether that is right depends
 * on the mail. Measured on 2 cores with one worker, in windows of 128 batches, as shares of the wall time
 * (the worker's time on its batches; the main thread's busy event loop):
 * - 50,000 messages of about 30 KB, verifying: the worker 94-97 %, the main thread 41-44 %: it waits for
 *   reads the rest of the time. A second worker took the scan from 5.5-6.4 s to 5.2-5.3 s.
 * - 150,000 messages of 2-20 KB: the worker 63-91 %, the main thread 51-91 %. A second worker made the
 *   scan 5-10 % slower and 20-40 MB larger: it takes CPU from the main thread, which is as much the limit.
 * - a million tiny messages: the worker 24-62 %, the main thread 78-100 %.
 * So a worker is added when the workers were busy nearly all the time while the main thread waited,
 * twice in a row.
 */

/** Batches a decision looks at (2,048 entries). */
export const GROWTH_WINDOW_BATCHES = 64;
/** The workers' busy share of a window's wall time that says they are the limit... */
export const WORKERS_BUSY_TO_GROW = 0.9;
/** ...when the main thread's event loop was busy for at most this share, waiting for them the rest... */
export const MAIN_BUSY_TO_GROW = 0.6;
/** ...in this many windows in a row (small mail reaches either in a single window now and then). */
export const WINDOWS_TO_GROW = 2;

export interface BatchRead {
  /** Milliseconds the worker spent on the batch. */
  readonly busyMs: number;
  /** When it was done (performance.now() on the main thread). */
  readonly nowMs: number;
  /** Milliseconds the main thread's event loop has been busy so far (eventLoopUtilization().active). */
  readonly mainActiveMs: number;
  /** Workers running. */
  readonly workers: number;
}

export class PoolGrowth {
  private window: { startMs: number; mainActiveMs: number } | undefined;
  private busyMs = 0;
  private batches = 0;
  private windows = 0;
  private busyWindows = 0;

  /**
   * Records one batch; true when another worker would help (see above). The first window does not count:
   * its batches are read while the workers and the consumer start and warm up. After a worker is added
   * the count starts again, so that it has windows of its own to show whether yet another would help.
   */
  read({ busyMs, nowMs, mainActiveMs, workers }: BatchRead): boolean {
    this.window ??= { startMs: nowMs - busyMs, mainActiveMs };
    this.busyMs += busyMs;
    this.batches += 1;
    if (this.batches < GROWTH_WINDOW_BATCHES) return false;
    const wallMs = Math.max(1e-3, nowMs - this.window.startMs);
    const workersBusy = this.busyMs / (Math.max(1, workers) * wallMs);
    const mainBusy = (mainActiveMs - this.window.mainActiveMs) / wallMs;
    this.windows += 1;
    this.window = { startMs: nowMs, mainActiveMs };
    this.busyMs = 0;
    this.batches = 0;
    const limit = this.windows > 1 && workersBusy >= WORKERS_BUSY_TO_GROW && mainBusy <= MAIN_BUSY_TO_GROW;
    this.busyWindows = limit ? this.busyWindows + 1 : 0;
    if (this.busyWindows < WINDOWS_TO_GROW) return false;
    this.busyWindows = 0;
    return true;
  }
}
