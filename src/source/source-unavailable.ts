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
