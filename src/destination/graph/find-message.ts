/**
 * Finding what a create may have made, after an ambiguous failure or a crash: by our fingerprint property
 * (JSON path), else by Message-ID, else by the sent date, each narrowed by comparing fingerprints computed
 * the way the source computes them.
 */
import { fingerprint as fingerprintOf, normalizeMessageId, normalizeSubject, subjectsAgree } from '../../message/fingerprint.js';
import type { ClaimedIds, DestinationMessage, FolderRef, MessageHint } from '../types.js';
import type { GraphRequester } from './graph-requester.js';
import { listMessages, messageQuery, toDestinationMessage, type GraphMessage } from './inventory.js';
import { FINGERPRINT_PROPERTY_ID, propertyEqualsFilter } from './named-property.js';
import { odataDateTime, odataString, segment, userPath } from './odata.js';
import { collectAll } from './paging.js';
import { MAX_LOOKUP_PATH_CHARS } from './limits.js';

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
  const filters: { kind: LookupKind; filter: string }[] = [{ kind: 'property', filter: lookupFilter('property', fingerprint, hint) }];
  if (hint.messageId !== null && hint.messageId.trim() !== '') {
    for (const id of messageIdForms(hint.messageId)) filters.push({ kind: 'message-id', filter: lookupFilter('message-id', fingerprint, { ...hint, messageId: id }) });
    return filters;
  }
  if (hint.date !== null) filters.push({ kind: 'sent-date', filter: lookupFilter('sent-date', fingerprint, hint) });
  // Last, the subject: Exchange may have read the Date header differently from us (or stamped its own
  // date), and then the date finds nothing. Candidates that other rows account for are set aside by the caller.
  filters.push({ kind: 'subject', filter: lookupFilter('subject', fingerprint, hint) });
  return filters;
}

/**
 * The forms a Message-ID may be stored under. One written without angle brackets (`Message-ID: 00220`,
 * common in generated and test mail) is stored by the server with them, as mailparser and Exchange's
 * readers give it; looked for only as written, the create that landed was not found and was sent again.
 */
export function messageIdForms(messageId: string): string[] {
  const written = messageId.trim();
  return /^<.*>$/.test(written) ? [written] : [written, `<${written}>`];
}

/** Whether a candidate found by `kind` is the message with this fingerprint and hint. */
export function matches(candidate: DestinationMessage, kind: LookupKind, fingerprint: string, hint: MessageHint): boolean {
  if (candidate.importFingerprint === fingerprint) return true;
  const sent = candidate.sentDateTime === null ? null : new Date(candidate.sentDateTime);
  if (fingerprintOf(candidate.subject, sent) === fingerprint) return true;
  // Same Message-ID and subject is the same message even when Exchange dated it differently (no Date
  // header: it stamps its own sentDateTime); an undated source has nothing else to compare.
  if (kind === 'message-id') return subjectsAgree(candidate.subject, hint.subject) || (sameSecond(sent, hint.date) && readOtherwise(candidate.subject, hint.subject));
  if (kind === 'subject') return normalizeSubject(candidate.subject) === normalizeSubject(hint.subject) && couldBeDated(candidate, hint.date);
  return false;
}


/**
 * Two readings of one raw 8-bit subject: both hold characters past ASCII, and agree up to the first of
 * them. A Big5 subject the server read as windows-1252 shares no ASCII skeleton with ours (Big5 trail bytes
 * are ASCII letters), so subjectsAgree missed the copy that landed and it was sent again (corpus kill soak,
 * seed 127); with the same Message-ID and sent second it is ours. "Frösche" against "Mäuse" still differ.
 */
function readOtherwise(stored: string, ours: string): boolean {
  const prefix = (subject: string): string | null => {
    const at = normalizeSubject(subject).search(/[^\x20-\x7e]/);
    return at === -1 ? null : normalizeSubject(subject).slice(0, at);
  };
  const a = prefix(stored);
  return a !== null && a === prefix(ours);
}

function sameSecond(a: Date | null, b: Date | null): boolean {
  return a !== null && b !== null && Math.floor(a.getTime() / 1000) === Math.floor(b.getTime() / 1000);
}

/**
 * The widest two readings of one Date header can differ: a zone misread (names, odd forms, "unknown zone"
 * as UTC) moves it by at most the span of the world's zones, -12:00 to +14:00.
 */
const MAX_READING_DIFFERENCE_MS = 26 * 3600_000;

/**
 * Whether a candidate found by subject alone can be the message we dated `date`: the server read the same
 * header differently (within a zone's span), or it had no date to read and stamped the import time
 * (sentDateTime equal to receivedDateTime). Without this, a bounce found by "Mail delivery failed" was
 * taken for another bounce of that subject a month apart (corpus kill soak, seed 2): the one was never
 * sent, the other sent twice.
 */
export function couldBeDated(candidate: DestinationMessage, date: Date | null): boolean {
  if (date === null || candidate.sentDateTime === null) return true;
  const sent = Date.parse(candidate.sentDateTime);
  if (candidate.receivedDateTime !== null && Math.abs(sent - Date.parse(candidate.receivedDateTime)) < 1000) return true;
  return Math.abs(sent - date.getTime()) <= MAX_READING_DIFFERENCE_MS;
}

/**
 * Whether the lookups for a create (lookupFilters) select `candidate` and take it for that create
 * (matches): the re-check's rule, applied to a listing already in hand.
 */
export function lookupsTake(candidate: DestinationMessage, fingerprint: string, hint: MessageHint): boolean {
  return lookupFilters(fingerprint, hint).some(({ kind }) => selectedBy(kind, fingerprint, hint, candidate) && matches(candidate, kind, fingerprint, hint));
}

/**
 * Whether a candidate is another message's, never the create looked for: the folder held it before, a row
 * recorded it, or, for a create without a Message-ID (looked up by subject), it bears a Message-ID another
 * source message of the folder carries.
 */
export function isAnothers(candidate: DestinationMessage, hint: MessageHint, claimed: ClaimedIds): boolean {
  if (claimed.has(candidate.id)) return true;
  return normalizeMessageId(hint.messageId) === null && candidate.internetMessageId !== null && claimed.carriedByAnother?.(candidate.internetMessageId) === true;
}

/** What a `$filter` of `kind` selects, decided here for a lookup too long to send. */
function selectedBy(kind: LookupKind, fingerprint: string, hint: MessageHint, candidate: DestinationMessage): boolean {
  switch (kind) {
    case 'property':
      return candidate.importFingerprint === fingerprint;
    case 'message-id':
      return normalizeMessageId(candidate.internetMessageId) === normalizeMessageId(hint.messageId);
    case 'sent-date':
      return hint.date !== null && candidate.sentDateTime !== null && Date.parse(candidate.sentDateTime) === Date.parse(odataDateTime(hint.date));
    case 'subject':
      return normalizeSubject(candidate.subject) === normalizeSubject(hint.subject);
  }
}

/** The messages the first lookup (lookupFilters, in order) that finds any `accept`s finds. */
export async function findMessage(
  http: GraphRequester,
  mailbox: string,
  folder: FolderRef,
  fingerprint: string,
  hint: MessageHint,
  accept: (candidate: DestinationMessage) => boolean = () => true,
): Promise<DestinationMessage[]> {
  const messages = `${userPath(mailbox)}/mailFolders/${segment(folder.id)}/messages`;
  for (const { kind, filter } of lookupFilters(fingerprint, hint)) {
    const path = `${messages}${messageQuery({ filter, top: 100 })}`;
    const found: DestinationMessage[] = [];
    if (path.length <= MAX_LOOKUP_PATH_CHARS) {
      for (const raw of await collectAll<GraphMessage>(http, mailbox, path)) found.push(toDestinationMessage(raw));
    } else {
      for await (const m of listMessages(http, mailbox, folder)) if (selectedBy(kind, fingerprint, hint, m)) found.push(m);
    }
    // What `accept` turns down does not end the search: a look-alike's copy tagged with the fingerprint they
    // share (JSON path) found first hid a copy that only the Message-ID lookup finds, and it was sent again.
    const matching = found.filter((m) => matches(m, kind, fingerprint, hint) && accept(m));
    if (matching.length > 0) return matching;
  }
  return [];
}
