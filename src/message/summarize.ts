/** The one entry point the pipeline calls: a message's header block (or the whole message) to its summary. */
import type { DateSource, MessageSummary } from './types.js';
import { LazyHeaderMap } from './header-map.js';
import { readMailDate, receivedDate } from './date.js';
import { fingerprint } from './fingerprint.js';

function datedBy(headers: ReadonlyMap<string, readonly string[]>): { date: Date | null; dateSource: DateSource } {
  // Only the first Date header, as Exchange (and Python's msg['Date']) reads it: taking a later one when the
  // first is broken gave a date the destination never shows, and a fingerprint it never matches.
  const first = headers.get('date')?.[0];
  const read = first === undefined ? null : readMailDate(first);
  if (read) return { date: read.date, dateSource: read.zoneAssumed ? 'date-assumed-zone' : 'date' };
  // The top-most Received header is the last hop: the delivery time, closest to when the mail was sent.
  const topReceived = headers.get('received')?.[0];
  const date = topReceived === undefined ? null : receivedDate(topReceived);
  return date ? { date, dateSource: 'received' } : { date: null, dateSource: 'none' };
}

export function summarizeMessage(head: Buffer): MessageSummary {
  // fields are decoded when first read: the summary needs four, the spam policy a few more
  const headers = LazyHeaderMap.of(head);
  const subject = headers.get('subject')?.[0] ?? '';
  const { date, dateSource } = datedBy(headers);
  const messageId = headers.get('message-id')?.[0] || null;
  return {
    subject,
    from: headers.get('from')?.[0] ?? '',
    date,
    dateSource,
    messageId,
    headers,
    headerDefects: headers.headerDefects,
    fingerprint: fingerprint(subject, date),
  };
}
