/**
 * Upload outcomes that are neither success nor a plain failure. Both carry what the ledger must record so
 * that no later run creates the message a second time.
 */
import { AmbiguousCreateError, NoRetryError } from '../../accounting/errors.js';
import type { DestinationMessage, UploadMethod } from '../types.js';

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
 * An importMime create failed ambiguously and the folder already holds messages matching it, so we cannot
 * tell whether one of them is ours. The caller knows which destination ids it recorded earlier; any
 * candidate not among them is the one this create made.
 */
export class UnresolvedCreateError extends AmbiguousCreateError {
  constructor(
    message: string,
    readonly candidates: readonly DestinationMessage[],
  ) {
    super(message, 'UnresolvedCreate');
    this.name = 'UnresolvedCreateError';
  }
}
