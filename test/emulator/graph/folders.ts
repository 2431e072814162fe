import { emptyReply, jsonReply, type Reply } from '../http/reply.js';
import type { StoredFolder } from '../store.js';
import { contextUrl, folderParam, jsonBody, type GraphContext } from './context.js';
import { graphErrors } from './errors.js';
import { FOLDER_PROPERTIES, folderView } from './folder-view.js';
import { nextLinkAnnotation, pageOf, readCount, readPaging, readSelect } from './paging.js';

function includeHidden(context: GraphContext): boolean {
  const value = context.url.searchParams.get('includeHiddenFolders');
  if (value === null) return false;
  if (value !== 'true' && value !== 'false') throw graphErrors.badRequest(`Invalid value '${value}' for includeHiddenFolders.`);
  return value === 'true';
}

function listChildren(context: GraphContext, parent: StoredFolder, suffix: string): Reply {
  const query = context.url.searchParams;
  for (const option of ['$filter', '$orderby', '$expand']) {
    if (query.has(option)) throw graphErrors.badRequest(`The query option '${option}' is not supported on folders by this emulator.`);
  }
  const select = readSelect(query, FOLDER_PROPERTIES, 'microsoft.graph.mailFolder');
  const withCount = readCount(query);
  const paging = readPaging(query, 10, context.state.options.quirks);
  const hidden = includeHidden(context);
  const children = context.mailbox.children(parent.id).filter((folder) => folder.nonMail !== true && (hidden || !folder.isHidden));
  const page = pageOf(children, paging, context.url, context.state.url);
  return jsonReply(200, {
    '@odata.context': contextUrl(context, suffix),
    ...(withCount ? { '@odata.count': children.length } : {}),
    value: page.value.map((folder) => folderView(folder, context.mailbox, context.version, select)),
    ...nextLinkAnnotation(page.nextLink, context.state.url, context.state.options.quirks),
  });
}

/** GET /users/{id}/mailFolders: the children of msgfolderroot. */
export function listTopFolders(context: GraphContext): Reply {
  return listChildren(context, context.mailbox.wellKnown('msgfolderroot'), 'mailFolders');
}

export function listChildFolders(context: GraphContext): Reply {
  const parent = folderParam(context);
  return listChildren(context, parent, `mailFolders('${parent.id}')/childFolders`);
}

export function getFolder(context: GraphContext): Reply {
  const folder = folderParam(context);
  const select = readSelect(context.url.searchParams, FOLDER_PROPERTIES, 'microsoft.graph.mailFolder');
  return jsonReply(200, {
    '@odata.context': contextUrl(context, 'mailFolders/$entity'),
    ...folderView(folder, context.mailbox, context.version, select),
  });
}

function createUnder(context: GraphContext, parent: StoredFolder): Reply {
  const body = jsonBody(context);
  const displayName = body['displayName'];
  const isHidden = body['isHidden'];
  if (typeof displayName !== 'string' || displayName.trim() === '') {
    throw graphErrors.invalidProperty("The property 'displayName' is required and can't be empty.");
  }
  if (isHidden !== undefined && typeof isHidden !== 'boolean') throw graphErrors.unableToDeserialize();
  const lower = displayName.toLowerCase();
  // Hidden siblings occupy names too, which is why a lookup-then-create can still collide.
  if (context.mailbox.children(parent.id).some((folder) => folder.displayName.toLowerCase() === lower)) {
    throw graphErrors.folderExists(context.state.options.errorFolderExistsStatus);
  }
  const folder = context.mailbox.addFolder(displayName, parent.id, isHidden === true);
  return jsonReply(201, {
    '@odata.context': contextUrl(context, 'mailFolders/$entity'),
    ...folderView(folder, context.mailbox, context.version),
  });
}

export function createTopFolder(context: GraphContext): Reply {
  return createUnder(context, context.mailbox.wellKnown('msgfolderroot'));
}

export function createChildFolder(context: GraphContext): Reply {
  return createUnder(context, folderParam(context));
}

/**
 * DELETE …/mailFolders/{id}: into Deleted Items, as Outlook does; from within Deleted Items, gone (to the
 * recoverable items, which Graph's folder listings do not show).
 */
export function deleteFolder(context: GraphContext): Reply {
  const folder = folderParam(context);
  if (folder.wellKnownName !== null) throw graphErrors.badRequest('Distinguished folders cannot be deleted.');
  const deleted = context.mailbox.wellKnown('deleteditems');
  let inDeleted = false;
  for (let at: StoredFolder | undefined = folder; at !== undefined; at = at.parentId === null ? undefined : context.mailbox.folders.get(at.parentId)) {
    if (at.parentId === deleted.id) inDeleted = true;
  }
  if (inDeleted) return permanentlyDeleteFolder(context);
  folder.parentId = deleted.id;
  return emptyReply(204);
}

/**
 * POST …/mailFolders/{id}/permanentDelete: the folder, its subfolders and their messages, gone for good
 * (not via Deleted Items). Well-known folders cannot be deleted.
 */
export function permanentlyDeleteFolder(context: GraphContext): Reply {
  const folder = folderParam(context);
  if (folder.wellKnownName !== null) throw graphErrors.badRequest('Distinguished folders cannot be deleted.');
  const mailbox = context.mailbox;
  const doomed: StoredFolder[] = [];
  const collect = (current: StoredFolder): void => {
    doomed.push(current);
    for (const child of mailbox.children(current.id)) collect(child);
  };
  collect(folder);
  for (const gone of doomed) {
    for (const message of mailbox.messagesIn(gone.id)) mailbox.removeMessage(message.id);
    mailbox.folders.delete(gone.id);
  }
  return emptyReply(204);
}
