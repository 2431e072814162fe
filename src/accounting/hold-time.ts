/**
 * Wall-clock time during which something was held back, from waits that overlap: four requests of one
 * mailbox waiting out the same budget for 10 s are 10 s of the mailbox held back, not 40 s. Waits are
 * added as they start (start time, length), in time order; the union of their intervals is kept.
 */
export class HoldTime {
  private closedMs = 0;
  private from = 0;
  private until = 0;

  add(startMs: number, lengthMs: number): void {
    if (lengthMs <= 0) return;
    const end = startMs + lengthMs;
    if (startMs > this.until) {
      this.closedMs += this.until - this.from;
      this.from = startMs;
      this.until = end;
    } else if (end > this.until) {
      this.until = end;
    }
  }

  /** Held-back time up to `nowMs`: a wait still running counts only as far as it has got. */
  totalMs(nowMs: number): number {
    return this.closedMs + Math.max(0, Math.min(nowMs, this.until) - this.from);
  }
}
