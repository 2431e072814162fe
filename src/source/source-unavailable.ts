/**
 * A zip's bytes could not be had, as opposed to bytes that are bad: S3 credentials that expired or were
 * refused, access denied, a missing object or bucket (S3AccessError). Such a failure says
 * nothing about the export, so it is never recorded as an unreadable entry or archive (which the ledger
 * keeps for good, leaving those messages out of every later run): the scan stops there and the zip stays
 * unread, to be read again by the next run, and an upload that needs the bytes stops its mailbox.
 */
export class SourceUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SourceUnavailableError';
  }
}

/** `error` as a SourceUnavailableError whose sentence names `zipPath` (and `entryName`), when it is one. */
export function unavailableIn(error: unknown, zipPath: string, entryName?: string): SourceUnavailableError | undefined {
  if (!(error instanceof SourceUnavailableError)) return undefined;
  if (error.message.startsWith(`${zipPath}: `)) return error;
  const where = entryName === undefined ? zipPath : `${zipPath}: ${entryName}`;
  return new SourceUnavailableError(`${where}: ${error.message}`, { cause: error });
}

/**
 * The bytes could not be had this time: an S3 server error, or bodies that broke off, past every retry.
 * Unlike SourceUnavailableError the scan goes on (the entries are reported unreadable in this run), but
 * nothing about the export is learnt either, so the ledger marks those entries to be read again by the
 * next run: recorded as unreadable for good, an outage of a minute lost every message of a 4 MiB block.
 */
export class SourceTransientError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SourceTransientError';
  }
}

/**
 * The same for the whole zip (its central directory): bytes it could not get this time leave the zip
 * unread, to be read again by the next run, as an access failure does; an archive error would be kept.
 */
export function zipUnavailableIn(error: unknown, zipPath: string): SourceUnavailableError | undefined {
  if (error instanceof SourceTransientError) return new SourceUnavailableError(`${zipPath}: ${error.message}; run again to read it`, { cause: error });
  return unavailableIn(error, zipPath);
}
