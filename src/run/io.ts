import { setMaxListeners } from 'node:events';

/**
 * What a run may touch of the outside world: its streams, its environment, a way to ask for a secret, and
 * the signal that stops it. The CLI passes the process's; tests pass their own.
 */
export interface OutputStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
  readonly rows?: number;
}

export interface RunIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads the client secret when it is not in the environment; absent when nobody can answer. */
  readonly promptSecret?: (question: string) => Promise<string>;
  readonly signal?: AbortSignal;
}

/** Every error a run or the command line prints starts the same way, so a log search finds them all. */
export const ERROR_PREFIX = 'eml-import: error: ';

/**
 * Each mailbox at work listens to the run's stop signal (its upload queue): past Node's default of ten
 * that is no leak, only --parallel at work.
 */
export function allowListeners(signal: AbortSignal | undefined, parallel: number): void {
  if (signal) setMaxListeners(Math.max(10, parallel + 10), signal);
}
