/** The Graph destination: `createGraphDestination(http, options)(upn)` is one mailbox's MailboxDestination. */
import type { MailboxDestination } from '../types.js';
import { GraphMailbox } from './graph-mailbox.js';
import type { GraphRequester } from './graph-requester.js';
import { resolveSettings, type GraphDestinationOptions } from './settings.js';

export type { GraphRequester, GraphRequest, GraphResponse } from './graph-requester.js';
export type { GraphDestinationOptions } from './settings.js';
export { PartialUploadError, PendingCreateError } from './upload-errors.js';
export { FINGERPRINT_PROPERTY_ID } from './named-property.js';

/**
 * One MailboxDestination per mailbox for the life of the returned function, so its folder cache lasts the
 * run: every folder is looked up at most once however often the run asks.
 */
export function createGraphDestination(
  http: GraphRequester,
  options: GraphDestinationOptions = {},
): (upn: string) => MailboxDestination {
  const settings = resolveSettings(options);
  const mailboxes = new Map<string, MailboxDestination>();
  return (upn) => {
    const key = upn.toLowerCase();
    let mailbox = mailboxes.get(key);
    if (mailbox === undefined) {
      mailbox = new GraphMailbox(http, upn, settings);
      mailboxes.set(key, mailbox);
    }
    return mailbox;
  };
}
