/** What the exit status tells a script. One table, so every command means the same thing by it. */
export const ExitCode = {
  /** Everything wanted was read (dry run) or is in the destination (import, reconcile). */
  ok: 0,
  /** The run finished, but something was unreadable, failed, or is missing; the report names it. */
  incomplete: 1,
  /** Usage, configuration or authentication error: nothing useful could be done. */
  usage: 2,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
