import { fingerprint } from '../../message/fingerprint.js';
import type { DestinationMessage } from '../../destination/types.js';

/**
 * The fingerprint of a message as the destination shows it: our named property when the JSON path set
 * one, else the same subject + date recipe as the source, with Graph's sentDateTime (Exchange takes it
 * from the Date header on MIME imports).
 */
export function destinationFingerprint(message: DestinationMessage): string {
  if (message.importFingerprint) return message.importFingerprint;
  const date = message.sentDateTime ? new Date(message.sentDateTime) : null;
  return fingerprint(message.subject, date && !Number.isNaN(date.getTime()) ? date : null);
}
