import { jsonReply, textReply, emptyReply, type Reply } from '../http/reply.js';
import { looksLikeMime } from '../mime-summary.js';
import type { StoredMessage } from '../store.js';
import { graphDateTime } from '../store.js';
import { contextUrl, folderParam, jsonBody, messageParam, type GraphContext } from './context.js';
import { GraphHttpError, graphErrors } from './errors.js';
import { parseExtendedPropertyExpand, parseMessageFilter } from './filter.js';
import { fieldsFromJson, readExtendedProperties } from './json-message.js';
import { MESSAGE_PROPERTIES, messageView } from './message-view.js';
import { decodeBase64Mime, isTextPlain } from './mime-body.js';
import { addMessage, fieldsFromMime, newChangeKey } from './new-message.js';
import { nextLinkAnnotation, pageOf, readCount, readPaging, readSelect } from './paging.js';
import { applyCreateQuirks, requireSensitiveChangeAllowed } from './tenant-rules.js';

const ORDERABLE: Record<string, (message: StoredMessage) => string> = {
  receiveddatetime: (message) => message.receivedDateTime,
  sentdatetime: (message) => message.sentDateTime ?? '',
  createddatetime: (message) => message.createdDateTime,
};

function sorted(messages: StoredMessage[], orderBy: string | null): StoredMessage[] {
  const [property = 'receivedDateTime', direction = 'desc'] = (orderBy ?? 'receivedDateTime desc').trim().split(/\s+/);
  const key = ORDERABLE[property.toLowerCase()];
  if (!key || !['asc', 'desc'].includes(direction.toLowerCase())) throw graphErrors.badRequest(`The $orderby '${orderBy ?? ''}' is not supported.`);
  const sign = direction.toLowerCase() === 'desc' ? -1 : 1;
  return [...messages].sort((a, b) => sign * key(a).localeCompare(key(b)) || sign * (a.sequence - b.sequence));
}

/** Exchange wants $orderby's property to lead the $filter when both are given. */
function checkFilterLeadsWithOrderBy(filterText: string | null, orderBy: string | null): void {
  if (filterText === null || orderBy === null) return;
  const property = orderBy.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  if (!filterText.trim().replace(/^\(+/, '').toLowerCase().startsWith(property)) {
    throw new GraphHttpError(400, 'InefficientFilter', 'The restriction or sort order is too complex for this operation.');
  }
}

function selectMessages(context: GraphContext): StoredMessage[] {
  const inFolder = context.params['folder'] !== undefined ? folderParam(context).id : undefined;
  const all = [...context.mailbox.messages.values()].filter((message) => inFolder === undefined || message.folderId === inFolder);
  const filterText = context.url.searchParams.get('$filter');
  checkFilterLeadsWithOrderBy(filterText, context.url.searchParams.get('$orderby'));
  const filtered = filterText === null ? all : all.filter(parseMessageFilter(filterText));
  return sorted(filtered, context.url.searchParams.get('$orderby'));
}

/** GET …/messages and …/mailFolders/{id}/messages. */
export function listMessages(context: GraphContext): Reply {
  const query = context.url.searchParams;
  const select = readSelect(query, MESSAGE_PROPERTIES, 'microsoft.graph.message');
  const expandPropertyId = parseExtendedPropertyExpand(query.get('$expand'));
  const withCount = readCount(query);
  const paging = readPaging(query, 10, context.state.options.quirks);
  const messages = selectMessages(context);
  const page = pageOf(messages, paging, context.url, context.state.url);
  return jsonReply(200, {
    '@odata.context': contextUrl(context, 'messages'),
    ...(withCount ? { '@odata.count': messages.length } : {}),
    value: page.value.map((message) => messageView(message, { ...(select ? { select } : {}), ...(expandPropertyId !== undefined ? { expandPropertyId } : {}) })),
    ...nextLinkAnnotation(page.nextLink, context.state.url, context.state.options.quirks),
  });
}

/** GET …/messages/$count: a bare integer as text/plain. */
export function countMessages(context: GraphContext): Reply {
  return textReply(200, String(selectMessages(context).length));
}

export function getMessage(context: GraphContext): Reply {
  const message = messageParam(context);
  const query = context.url.searchParams;
  const select = readSelect(query, MESSAGE_PROPERTIES, 'microsoft.graph.message');
  const expandPropertyId = parseExtendedPropertyExpand(query.get('$expand'));
  return jsonReply(200, {
    '@odata.context': contextUrl(context, 'messages/$entity'),
    ...messageView(message, { ...(select ? { select } : {}), ...(expandPropertyId !== undefined ? { expandPropertyId } : {}) }),
  });
}

/** GET …/messages/{id}/$value: the stored MIME (Exchange regenerates it; we return what was imported). */
export function getMessageMime(context: GraphContext): Reply {
  const message = messageParam(context);
  return { status: 200, contentType: 'text/plain', body: message.mime ?? Buffer.from(`Subject: ${message.subject}\r\n\r\n${message.body.content}`) };
}

/**
 * POST …/messages: base64 MIME (text/plain) makes a draft in Drafts; JSON makes a message in Drafts too.
 * POST …/mailFolders/{id}/messages: JSON only; MIME there fails like production does.
 */
export async function createMessage(context: GraphContext): Promise<Reply> {
  const inFolder = context.params['folder'] !== undefined;
  const folder = inFolder ? folderParam(context) : context.mailbox.wellKnown('drafts');
  let message: StoredMessage;
  if (isTextPlain(context)) {
    if (inFolder) throw graphErrors.unableToDeserialize();
    const mime = decodeBase64Mime(context);
    if (!looksLikeMime(mime)) throw graphErrors.invalidMime();
    message = addMessage(context.mailbox, folder.id, 'mimeDraft', applyCreateQuirks(context.state, fieldsFromMime(await context.state.summarise(mime), mime, true)));
  } else {
    message = addMessage(context.mailbox, folder.id, 'json', applyCreateQuirks(context.state, fieldsFromJson(jsonBody(context))));
  }
  return jsonReply(201, { '@odata.context': contextUrl(context, 'messages/$entity'), ...messageView(message) });
}

/** PATCH …/messages/{id}: extended properties, read state and categories always; content only on drafts. */
export function updateMessage(context: GraphContext): Reply {
  const message = messageParam(context);
  const patch = jsonBody(context);
  for (const property of readExtendedProperties(patch['singleValueExtendedProperties'])) {
    const existing = message.extendedProperties.find((entry) => entry.id.toLowerCase() === property.id.toLowerCase());
    if (existing) existing.value = property.value;
    else message.extendedProperties.push(property);
  }
  if (typeof patch['isRead'] === 'boolean') message.isRead = patch['isRead'];
  if (Array.isArray(patch['categories'])) message.categories = patch['categories'].filter((entry): entry is string => typeof entry === 'string');
  if (typeof patch['subject'] === 'string') {
    requireSensitiveChangeAllowed(context, message);
    message.subject = patch['subject'];
  }
  message.lastModifiedDateTime = graphDateTime(new Date());
  message.changeKey = newChangeKey();
  context.mailbox.touchMessage(message);
  return jsonReply(200, { '@odata.context': contextUrl(context, 'messages/$entity'), ...messageView(message) });
}

/** DELETE moves to Deleted Items, and removes for good from there, as Outlook does. */
export function deleteMessage(context: GraphContext): Reply {
  const message = messageParam(context);
  const deleted = context.mailbox.wellKnown('deleteditems');
  if (message.folderId === deleted.id) context.mailbox.removeMessage(message.id);
  else moveTo(context, message, deleted.id);
  return emptyReply(204);
}

/** POST …/messages/{id}/move: a copy with a new id in the destination; the original disappears. */
export function moveMessage(context: GraphContext): Reply {
  const message = messageParam(context);
  const destinationId = jsonBody(context)['destinationId'];
  if (typeof destinationId !== 'string') throw graphErrors.invalidProperty("The property 'destinationId' is required.");
  const destination = context.mailbox.findFolder(destinationId);
  if (!destination) throw graphErrors.itemNotFound();
  const moved = moveTo(context, message, destination.id);
  return jsonReply(201, { '@odata.context': contextUrl(context, 'messages/$entity'), ...messageView(moved) });
}

function moveTo(context: GraphContext, message: StoredMessage, folderId: string): StoredMessage {
  context.mailbox.removeMessage(message.id);
  const { id: _oldId, folderId: _oldFolder, sequence: _oldSequence, lastChange: _lastChange, createdDateTime: _created, lastModifiedDateTime: _modified, changeKey: _key, conversationId, method, ...fields } = message;
  const moved = addMessage(context.mailbox, folderId, method, fields);
  moved.conversationId = conversationId;
  return moved;
}
