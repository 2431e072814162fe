/**
 * Error classes, so that one place (the destination's should-retry) decides what a failure means and
 * everything above it only asks the class. The class name goes into the ledger row.
 */

export type ErrorClass = 'retryable' | 'retry-after' | 'no-retry' | 'fatal' | 'ambiguous-create';

export class ClassifiedError extends Error {
  /** Graph's request-id of the answer that failed, for "report this" sentences; set by the HTTP layer. */
  requestId?: string;

  constructor(
    message: string,
    readonly errorClass: ErrorClass,
    /** Graph's `error.code` or a network code, when there is one. */
    readonly code?: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ClassifiedError';
  }
}

/** A transient failure (5xx, reset, timeout) on a safe request: try again after a backoff. */
export class RetryableError extends ClassifiedError {
  constructor(message: string, code?: string, status?: number) {
    super(message, 'retryable', code, status);
  }
}

/** Graph said when to come back (429 or 503 with Retry-After). */
export class RetryAfterError extends ClassifiedError {
  constructor(
    message: string,
    readonly retryAfterMs: number,
    code?: string,
    status?: number,
  ) {
    super(message, 'retry-after', code, status);
  }
}

/** This message cannot go in as it is (bad MIME, too large): record it as failed and go on. */
export class NoRetryError extends ClassifiedError {
  constructor(message: string, code?: string, status?: number) {
    super(message, 'no-retry', code, status);
  }
}

/** Nothing will work until the admin changes something (credentials, permissions, mailbox): stop. */
export class FatalError extends ClassifiedError {
  constructor(message: string, code?: string, status?: number) {
    super(message, 'fatal', code, status);
  }
}

/** A create may or may not have happened (timeout, reset or 5xx after sending): look before resending. */
export class AmbiguousCreateError extends ClassifiedError {
  constructor(message: string, code?: string, status?: number) {
    super(message, 'ambiguous-create', code, status);
  }
}

/** A usage or configuration mistake (a path, an option, a map): the command prints it and exits 2. */
export class UsageError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UsageError';
  }
}
