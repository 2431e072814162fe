/** What a command may touch of the outside world; tests pass their own, the bin passes the process's. */
export interface OutputStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
  readonly rows?: number;
}

export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads the client secret when it is not in the environment; absent when nobody can answer. */
  readonly promptSecret?: (question: string) => Promise<string>;
  readonly signal?: AbortSignal;
}

/** Raised for a usage or configuration mistake: the command prints it and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Every error the command line prints starts the same way, so a log search finds them all. */
export const ERROR_PREFIX = 'eml-import: error: ';
