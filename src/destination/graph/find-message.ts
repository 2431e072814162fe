/**
 * Finding what a create may have made, after an ambiguous failure or a crash: by our fingerprint property
 * (JSON path), else by Message-ID, else by the sent date, each narrowed by comparing fingerprints computed
 * the way the source computes them.
 */
import { fingerprint as fingerprintOf, normalizeSubject } from '../../message/fingerprint.js';
import type { DestinationMessage, FolderRef, MessageHint } from '../types.js';
import type { GraphRequester } from './graph-requester.js';
import { messageQuery, toDestinationMessage, type GraphMessage } from './inventory.js';
import { FINGERPRINT_PROPERTY_ID, propertyEqualsFilter } from './named-property.js';
import { odataDateTime, odataString, segment, userPath } from './odata.js';
import { collectAll } from './paging.js';

export type LookupKind = 'property' | 'message-id' | 'sent-date' | 'subject';

/** The `$filter` of one kind of lookup (doctor's write test tries each kind on its own). */
export function lookupFilter(kind: LookupKind, fingerprint: string, hint: MessageHint): string {
  switch (kind) {
    case 'property':
      return propertyEqualsFilter(FINGERPRINT_PROPERTY_ID, fingerprint);
    case 'message-id':
      return `internetMessageId eq ${odataString(hint.messageId ?? '')}`;
    case 'sent-date':
      // The date alone, then fingerprints compared here: Exchange may store a subject with whitespace or
      // control characters changed, which an `eq` on subject would miss.
      return `sentDateTime eq ${hint.date === null ? 'null' : odataDateTime(hint.date)}`;
    case 'subject':
      return `subject eq ${odataString(hint.subject)}`;
  }
}

/** The `$filter` expressions tried in order, most exact first. */
export function lookupFilters(fingerprint: string, hint: MessageHint): { kind: LookupKind; filter: string }[] {
  const kinds: LookupKind[] = ['property'];
  if (hint.messageId !== null && hint.messageId !== '') kinds.push('message-id');
  else {
    // The date alone, then fingerprints compared here: Exchange may store a subject with whitespace or
    // control characters changed, which an `eq` on subject would miss.
    if (hint.date !== null) kinds.push('sent-date');
    // Last, the subject: Exchange may have read the Date header differently from us (or stamped its own
    // date), and then the date finds nothing. Candidates that other rows account for are set aside by the caller.
    kinds.push('subject');
  }
  return kinds.map((kind) => ({ kind, filter: lookupFilter(kind, fingerprint, hint) }));
}

/** Whether a candidate found by `kind` is the message with this fingerprint and hint. */
export function matches(candidate: DestinationMessage, kind: LookupKind, fingerprint: string, hint: MessageHint): boolean {
  if (candidate.importFingerprint === fingerprint) return true;
  const sent = candidate.sentDateTime === null ? null : new Date(candidate.sentDateTime);
  if (fingerprintOf(candidate.subject, sent) === fingerprint) return true;
  // Same Message-ID and subject is the same message even when Exchange dated it differently (no Date
  // header: it stamps its own sentDateTime); an undated source has nothing else to compare.
  if (kind === 'message-id' || kind === 'subject') {
    return normalizeSubject(candidate.subject) === normalizeSubject(hint.subject);
  }
  return false;
}

export async function findMessage(
  http: GraphRequester,
  mailbox: string,
  folder: FolderRef,
  fingerprint: string,
  hint: MessageHint,
): Promise<DestinationMessage[]> {
  const messages = `${userPath(mailbox)}/mailFolders/${segment(folder.id)}/messages`;
  for (const { kind, filter } of lookupFilters(fingerprint, hint)) {
    const raw = await collectAll<GraphMessage>(http, mailbox, `${messages}${messageQuery({ filter, top: 100 })}`);
    const found = raw.map(toDestinationMessage).filter((m) => matches(m, kind, fingerprint, hint));
    if (found.length > 0) return found;
  }
  return [];
}
