import type { IncomingHttpHeaders } from 'node:http';
import type { AccessTokenClaims } from '../entra/access-token.js';
import type { EmulatorState } from '../state.js';
import type { Mailbox, StoredFolder, StoredMessage } from '../store.js';
import { looksLikeExchangeId } from '../store.js';
import { graphErrors } from './errors.js';

/** One authenticated Graph request against one mailbox. */
export interface GraphContext {
  state: EmulatorState;
  version: 'v1.0' | 'beta';
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: Buffer;
  claims: AccessTokenClaims;
  mailbox: Mailbox;
  /** The user segment as the client wrote it, for @odata.context. */
  userSegment: string;
  params: Record<string, string>;
  /** What the route's prepare() began before the latency: its value, or what it threw. */
  prepared?: { readonly value: unknown } | { readonly error: unknown };
}

export function param(context: GraphContext, name: string): string {
  const value = context.params[name];
  if (value === undefined) throw new Error(`route lacks parameter ${name}`);
  return value;
}

export function folderParam(context: GraphContext, name = 'folder'): StoredFolder {
  const id = param(context, name);
  const folder = context.mailbox.findFolder(id);
  if (folder) return folder;
  throw looksLikeExchangeId(id) ? graphErrors.itemNotFound() : graphErrors.idMalformed();
}

export function messageParam(context: GraphContext): StoredMessage {
  const id = param(context, 'message');
  const message = context.mailbox.messages.get(id);
  if (!message) throw looksLikeExchangeId(id) ? graphErrors.itemNotFound() : graphErrors.idMalformed();
  if (context.params['folder'] !== undefined && folderParam(context).id !== message.folderId) throw graphErrors.itemNotFound();
  return message;
}

export function contextUrl(context: GraphContext, suffix: string): string {
  return `${context.state.url}/${context.version}/$metadata#users('${encodeURIComponent(context.userSegment)}')/${suffix}`;
}

export function jsonBody(context: GraphContext): Record<string, unknown> {
  const type = String(context.headers['content-type'] ?? '');
  if (!/^application\/json/i.test(type)) throw graphErrors.unableToDeserialize();
  try {
    const value: unknown = JSON.parse(context.body.toString('utf8'));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw graphErrors.unableToDeserialize();
    return value as Record<string, unknown>;
  } catch {
    throw graphErrors.unableToDeserialize();
  }
}
