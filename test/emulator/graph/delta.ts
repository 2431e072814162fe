import { jsonReply, type Reply } from '../http/reply.js';
import type { StoredMessage } from '../store.js';
import { contextUrl, folderParam, type GraphContext } from './context.js';
import { graphErrors } from './errors.js';
import { MESSAGE_PROPERTIES, messageView } from './message-view.js';
import { readSelect } from './paging.js';

const DEFAULT_PAGE_SIZE = 10;

/** Everything a delta round needs, carried in the opaque tokens so the server keeps no session. */
interface DeltaState {
  /** Changes after this sequence are reported; 0 means the initial full sync. */
  since: number;
  /** The watermark the round ends at; the next deltaLink starts there. */
  until: number;
  offset: number;
  /** Page size from the first request's Prefer header; Graph keeps it for the whole round. */
  size: number;
}

function encode(state: DeltaState): string {
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}

function decode(token: string): DeltaState {
  try {
    const state = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as DeltaState;
    if ([state.since, state.until, state.offset, state.size].every((value) => Number.isInteger(value) && value >= 0)) return state;
  } catch {
    // fall through
  }
  throw graphErrors.badRequest('The delta or skip token is invalid.');
}

function pageSize(context: GraphContext): number {
  const prefer = String(context.headers['prefer'] ?? '');
  const match = /odata\.maxpagesize=(\d+)/i.exec(prefer);
  return match?.[1] ? Math.min(1000, Math.max(1, Number(match[1]))) : DEFAULT_PAGE_SIZE;
}

type DeltaEntry = { kind: 'upsert'; message: StoredMessage; order: number } | { kind: 'removed'; id: string; order: number };

/**
 * GET …/mailFolders/{id}/messages/delta: a full sync in pages ($skiptoken), ending with a deltaLink
 * ($deltatoken); following the deltaLink returns what was created, changed or removed in the folder since.
 */
export function messagesDelta(context: GraphContext): Reply {
  const folder = folderParam(context);
  const query = context.url.searchParams;
  if (query.has('$filter') || query.has('$orderby')) throw graphErrors.badRequest('$filter and $orderby are not supported on delta by this emulator.');
  const select = readSelect(query, MESSAGE_PROPERTIES, 'microsoft.graph.message');
  const token = query.get('$skiptoken') ?? query.get('$deltatoken');
  const state: DeltaState =
    token === null ? { since: 0, until: context.mailbox.currentSequence(), offset: 0, size: pageSize(context) } : decode(token);
  if (query.has('$deltatoken')) {
    state.until = context.mailbox.currentSequence();
    state.offset = 0;
    if (context.headers['prefer'] !== undefined) state.size = pageSize(context);
  }

  const upserts: DeltaEntry[] = context.mailbox
    .messagesIn(folder.id)
    .filter((message) => message.lastChange > state.since && message.lastChange <= state.until)
    .map((message) => ({ kind: 'upsert', message, order: message.lastChange }));
  const removed: DeltaEntry[] =
    state.since === 0
      ? []
      : context.mailbox.removals
          .filter((removal) => removal.folderId === folder.id && removal.sequence > state.since && removal.sequence <= state.until)
          .filter((removal) => context.mailbox.messages.get(removal.messageId)?.folderId !== folder.id)
          .map((removal) => ({ kind: 'removed', id: removal.messageId, order: removal.sequence }));
  const entries = [...upserts, ...removed].sort((a, b) => a.order - b.order);
  const size = state.size;
  const page = entries.slice(state.offset, state.offset + size);
  const more = state.offset + size < entries.length;
  const base = `${context.state.url}${context.url.pathname}`;
  const link = more
    ? { '@odata.nextLink': `${base}?$skiptoken=${encode({ ...state, offset: state.offset + size })}` }
    : { '@odata.deltaLink': `${base}?$deltatoken=${encode({ since: state.until, until: state.until, offset: 0, size })}` };
  return jsonReply(200, {
    '@odata.context': contextUrl(context, `mailFolders('${folder.id}')/messages/delta`),
    value: page.map((entry) =>
      entry.kind === 'upsert'
        ? messageView(entry.message, select ? { select } : {})
        : { '@odata.type': '#microsoft.graph.message', id: entry.id, '@removed': { reason: 'deleted' } },
    ),
    ...link,
  });
}
