import type { Reply } from '../http/reply.js';
import { addAttachment, listAttachments } from './attachments.js';
import type { GraphContext } from './context.js';
import { graphErrors } from './errors.js';
import { messagesDelta } from './delta.js';
import { createChildFolder, createTopFolder, deleteFolder, getFolder, listChildFolders, listTopFolders, permanentlyDeleteFolder } from './folders.js';
import { exchangeSettings } from './exchange-settings.js';
import { importMime, prepareImportMime } from './import-mime.js';
import {
  countMessages,
  createMessage,
  deleteMessage,
  getMessage,
  getMessageMime,
  listMessages,
  moveMessage,
  updateMessage,
} from './messages.js';
import type { Permission } from './permissions.js';
import { createUploadSession } from './upload-sessions.js';

export interface GraphRoute {
  method: string;
  /** Segments after /users/{id}; ':name' captures, literals compare case-insensitively as OData does. */
  pattern: string[];
  permission: Permission;
  /** A POST that commits something new: the target of 504-after-commit and reset-after-commit. */
  isCreate?: boolean;
  betaOnly?: boolean;
  /** Listed for the global service only: unknown in a national cloud. */
  globalOnly?: boolean;
  handle: (context: GraphContext) => Reply | Promise<Reply>;
  /**
   * Work of the handler's that may overlap the request's latency (parsing a created message's MIME), begun
   * before the delay; the handler finds it as `context.prepared`. Real response times include such work:
   * added after the delay, a create was answered the parse's time later than the latency drawn for it, and
   * with the parse on worker threads (parseThreads) it keeps the thread that answers requests free meanwhile.
   * Whatever it throws is thrown again by the handler, in the handler's turn.
   */
  prepare?: (context: GraphContext) => unknown;
}

/** Routes that exist both under /messages/{id} and under /mailFolders/{id}/messages/{id}. */
const messageItemRoutes: { method: string; suffix: string[]; permission: Permission; isCreate?: boolean; handle: GraphRoute['handle'] }[] = [
  { method: 'GET', suffix: [], permission: 'read', handle: getMessage },
  { method: 'PATCH', suffix: [], permission: 'write', handle: updateMessage },
  { method: 'DELETE', suffix: [], permission: 'write', handle: deleteMessage },
  { method: 'GET', suffix: ['$value'], permission: 'read', handle: getMessageMime },
  { method: 'POST', suffix: ['move'], permission: 'write', isCreate: true, handle: moveMessage },
  { method: 'GET', suffix: ['attachments'], permission: 'read', handle: listAttachments },
  { method: 'POST', suffix: ['attachments'], permission: 'write', isCreate: true, handle: addAttachment },
  { method: 'POST', suffix: ['attachments', 'createUploadSession'], permission: 'write', handle: createUploadSession },
];

export const GRAPH_ROUTES: GraphRoute[] = [
  { method: 'GET', pattern: ['mailFolders'], permission: 'read', handle: listTopFolders },
  { method: 'POST', pattern: ['mailFolders'], permission: 'write', isCreate: true, handle: createTopFolder },
  { method: 'GET', pattern: ['mailFolders', ':folder'], permission: 'read', handle: getFolder },
  { method: 'DELETE', pattern: ['mailFolders', ':folder'], permission: 'write', handle: deleteFolder },
  { method: 'POST', pattern: ['mailFolders', ':folder', 'permanentDelete'], permission: 'write', globalOnly: true, handle: permanentlyDeleteFolder },
  { method: 'GET', pattern: ['settings', 'exchange'], permission: 'directory', betaOnly: true, handle: exchangeSettings },
  { method: 'GET', pattern: ['mailFolders', ':folder', 'childFolders'], permission: 'read', handle: listChildFolders },
  { method: 'POST', pattern: ['mailFolders', ':folder', 'childFolders'], permission: 'write', isCreate: true, handle: createChildFolder },
  { method: 'GET', pattern: ['mailFolders', ':folder', 'messages'], permission: 'read', handle: listMessages },
  { method: 'GET', pattern: ['mailFolders', ':folder', 'messages', '$count'], permission: 'read', handle: countMessages },
  // Before the message-item routes, which would otherwise read "delta" as a message id.
  { method: 'GET', pattern: ['mailFolders', ':folder', 'messages', 'delta'], permission: 'read', handle: messagesDelta },
  { method: 'POST', pattern: ['mailFolders', ':folder', 'messages'], permission: 'write', isCreate: true, handle: createMessage },
  { method: 'POST', pattern: ['mailFolders', ':folder', 'importMime'], permission: 'importMime', isCreate: true, betaOnly: true, handle: importMime, prepare: prepareImportMime },
  { method: 'GET', pattern: ['messages'], permission: 'read', handle: listMessages },
  { method: 'GET', pattern: ['messages', '$count'], permission: 'read', handle: countMessages },
  { method: 'POST', pattern: ['messages'], permission: 'write', isCreate: true, handle: createMessage },
  ...messageItemRoutes.flatMap(({ suffix, ...route }) => [
    { ...route, pattern: ['messages', ':message', ...suffix] },
    { ...route, pattern: ['mailFolders', ':folder', 'messages', ':message', ...suffix] },
  ]),
];

export interface RouteMatch {
  route: GraphRoute;
  params: Record<string, string>;
}

function matchPattern(pattern: string[], segments: string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, part] of pattern.entries()) {
    const segment = segments[index] ?? '';
    if (part.startsWith(':')) {
      if (segment.startsWith('$')) return undefined;
      params[part.slice(1)] = segment;
    } else if (part.toLowerCase() !== segment.toLowerCase()) {
      return undefined;
    }
  }
  return params;
}

/**
 * Finds the route, or throws what Graph answers: an unknown segment is a 400 naming it (importMime on
 * v1.0 included), a known path with the wrong method is a 405.
 */
export function findGraphRoute(
  version: 'v1.0' | 'beta',
  method: string,
  segments: string[],
  options: { importMime?: boolean; nationalCloud?: boolean } = {},
): RouteMatch {
  // A cloud without importMime (US Government, China) does not know the segment at all, as v1.0 does not.
  const available = GRAPH_ROUTES.filter(
    (route) =>
      (version === 'beta' || !route.betaOnly) &&
      (options.importMime !== false || !route.pattern.includes('importMime')) &&
      (options.nationalCloud !== true || (!route.globalOnly && !route.pattern.includes('importMime'))),
  );
  let pathExists = false;
  for (const route of available) {
    const params = matchPattern(route.pattern, segments);
    if (!params) continue;
    pathExists = true;
    if (route.method === method) return { route, params };
  }
  if (pathExists) throw graphErrors.noRoute(method, segments.join('/'));
  throw graphErrors.unknownSegment(firstUnknownSegment(available, segments));
}

function firstUnknownSegment(routes: GraphRoute[], segments: string[]): string {
  for (let length = 1; length <= segments.length; length += 1) {
    const prefix = segments.slice(0, length);
    const known = routes.some((route) => route.pattern.length >= length && matchPattern(route.pattern.slice(0, length), prefix));
    if (!known) return segments[length - 1] ?? '';
  }
  return segments[segments.length - 1] ?? '';
}
