/**
 * Upload outcomes that are neither success nor a plain failure. Both carry what the ledger must record so
 * that no later run creates the message a second time.
 */
import { AmbiguousCreateError, NoRetryError } from '../../accounting/errors.js';
import type { UploadMethod } from '../types.js';

/**
 * The message was created (its id is `createdId`) but some attachments could not be added. Not retried:
 * a second create would duplicate the message. Record the id as the message's destination id and the
 * message as failed, so the report names it and nobody imports it again blindly.
 */
export class PartialUploadError extends NoRetryError {
  constructor(
    readonly createdId: string,
    readonly method: UploadMethod,
    readonly attachmentName: string,
    readonly attachmentsAdded: number,
    readonly attachmentsTotal: number,
    readonly cause: unknown,
  ) {
    super(
      `message created as ${createdId} but attachment '${attachmentName}' could not be added ` +
        `(${attachmentsAdded} of ${attachmentsTotal} added): ${cause instanceof Error ? cause.message : String(cause)}`,
      'PartialUpload',
    );
    this.name = 'PartialUploadError';
  }
}

/**
 * A create failed without an answer (timeout, reset, 5xx after sending): it may still land, even after
 * this process is gone, for as long as the server works on it. Nothing here looks for it at once, since a
 * look now can miss a create still on its way; the run re-checks after its landing window (see
 * MailboxDestination.confirmCreate) and only then sends again.
 */
export class PendingCreateError extends AmbiguousCreateError {
  constructor(
    message: string,
    readonly method: UploadMethod,
  ) {
    super(message, 'PendingCreate');
    this.name = 'PendingCreateError';
  }
}
