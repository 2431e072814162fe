/**
 * One accounting object per run: the progress display and the run section of `--json` both read its
 * snapshot, so they can never disagree. Counting only; it never touches the terminal.
 */

export interface MailboxCounters {
  wanted: number;
  done: number;
  imported: number;
  alreadyPresent: number;
  failed: number;
  bytesUploaded: number;
  requests: number;
  throttled: number;
  throttleWaitMs: number;
  retries: number;
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
}

const emptyMailbox = (): MailboxCounters => ({
  wanted: 0,
  done: 0,
  imported: 0,
  alreadyPresent: 0,
  failed: 0,
  bytesUploaded: 0,
  requests: 0,
  throttled: 0,
  throttleWaitMs: 0,
  retries: 0,
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

  mailbox(upn: string): MailboxCounters {
    let counters = this.boxes.get(upn);
    if (!counters) {
      counters = emptyMailbox();
      this.boxes.set(upn, counters);
    }
    return counters;
  }

  /** Counts an error once and keeps it as the last one, for the progress line and the summary. */
  recordError(message: string): void {
    this.errors += 1;
    this.lastError = message;
  }

  snapshot(): StatsSnapshot {
    const mailboxes: Record<string, MailboxCounters> = {};
    for (const [upn, counters] of this.boxes) mailboxes[upn] = { ...counters };
    return {
      phase: this.phase,
      elapsedMs: Date.now() - this.started,
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
    };
  }
}
