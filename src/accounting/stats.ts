import { HoldTime } from './hold-time.js';

/**
 * One accounting object per run: the progress display and the run section of `--json` both read its
 * snapshot, so they can never disagree. Counting only; it never touches the terminal.
 */

export interface MailboxCounters {
  wanted: number;
  done: number;
  imported: number;
  alreadyPresent: number;
  /** Creates whose answer was lost (in this run or a stopped one), found in the destination afterwards. */
  recovered: number;
  /** Creates whose answer was lost, not found once they could no longer land, and sent again. */
  resent: number;
  failed: number;
  bytesUploaded: number;
  requests: number;
  throttled: number;
  /**
   * Wall-clock time this mailbox was held back by its limits (budgets, Retry-After): the union of its
   * waits, not their sum over parallel requests. Set by the snapshot from recordHold().
   */
  heldBackMs: number;
  retries: number;
  /** The in-flight limit the mailbox started with, and what MailboxConcurrency 429s lowered it to (null: never). */
  inFlightFrom: number | null;
  inFlightLoweredTo: number | null;
  /** When its import began (Date.now()); 0 while it waits for a --parallel slot. */
  startedAtMs: number;
  /** Its import has returned (done, failed or stopped). */
  finished: boolean;
}

export interface StatsSnapshot {
  readonly phase: string;
  readonly elapsedMs: number;
  readonly zipsTotal: number;
  readonly zipsDone: number;
  readonly entriesTotal: number;
  readonly entriesScanned: number;
  readonly bytesScanned: number;
  /** The zips' file sizes added up, and how much of that the scan has got through: its progress. */
  readonly zipBytesTotal: number;
  readonly zipBytesRead: number;
  readonly unreadable: number;
  readonly mailboxes: Readonly<Record<string, Readonly<MailboxCounters>>>;
  /** Mailboxes this run imports (0 until known): those not yet in `mailboxes` are waiting. */
  readonly mailboxesTotal: number;
  readonly lastError: string | null;
  readonly errors: number;
  /** Wall-clock time during which at least one mailbox was held back by its limits. */
  readonly heldBackMs: number;
}

const emptyMailbox = (): MailboxCounters => ({
  wanted: 0,
  done: 0,
  imported: 0,
  alreadyPresent: 0,
  recovered: 0,
  resent: 0,
  failed: 0,
  bytesUploaded: 0,
  requests: 0,
  throttled: 0,
  heldBackMs: 0,
  retries: 0,
  inFlightFrom: null,
  inFlightLoweredTo: null,
  startedAtMs: 0,
  finished: false,
});

export class Stats {
  private readonly started = Date.now();
  phase = 'starting';
  zipsTotal = 0;
  zipsDone = 0;
  entriesTotal = 0;
  entriesScanned = 0;
  bytesScanned = 0;
  zipBytesTotal = 0;
  zipBytesRead = 0;
  unreadable = 0;
  mailboxesTotal = 0;
  errors = 0;
  lastError: string | null = null;
  private readonly boxes = new Map<string, MailboxCounters>();
  private readonly holds = new Map<string, HoldTime>();
  private readonly anyHold = new HoldTime();

  mailbox(upn: string): MailboxCounters {
    let counters = this.boxes.get(upn);
    if (!counters) {
      counters = emptyMailbox();
      this.boxes.set(upn, counters);
    }
    return counters;
  }

  /** A wait of `ms` starting now (`at`) that holds `upn` back: a budget or a Retry-After, not a free slot. */
  recordHold(upn: string, ms: number, at = Date.now()): void {
    let hold = this.holds.get(upn);
    if (!hold) {
      hold = new HoldTime();
      this.holds.set(upn, hold);
    }
    hold.add(at, ms);
    this.anyHold.add(at, ms);
  }

  /** Counts an error once and keeps it as the last one, for the progress line and the summary. */
  recordError(message: string): void {
    this.errors += 1;
    this.lastError = message;
  }

  snapshot(now = Date.now()): StatsSnapshot {
    const mailboxes: Record<string, MailboxCounters> = {};
    for (const [upn, counters] of this.boxes) mailboxes[upn] = { ...counters, heldBackMs: this.holds.get(upn)?.totalMs(now) ?? 0 };
    return {
      phase: this.phase,
      elapsedMs: now - this.started,
      zipsTotal: this.zipsTotal,
      zipsDone: this.zipsDone,
      entriesTotal: this.entriesTotal,
      entriesScanned: this.entriesScanned,
      bytesScanned: this.bytesScanned,
      zipBytesTotal: this.zipBytesTotal,
      zipBytesRead: this.zipBytesRead,
      unreadable: this.unreadable,
      mailboxes,
      mailboxesTotal: this.mailboxesTotal,
      lastError: this.lastError,
      errors: this.errors,
      heldBackMs: this.anyHold.totalMs(now),
    };
  }
}
