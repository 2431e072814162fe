import { jsonReply, type Reply } from '../http/reply.js';
import { contextUrl, type GraphContext } from './context.js';

/**
 * GET /beta/users/{id}/settings/exchange: the primary mailbox id and, when the user has an online archive,
 * inPlaceArchiveMailboxId, which then addresses the archive as /beta/users/{that id}/….
 */
export function exchangeSettings(context: GraphContext): Reply {
  const hex = Buffer.from(context.mailbox.upn).toString('hex').padEnd(16, '0');
  const archive = context.state.store.archiveOf(context.mailbox.upn);
  return jsonReply(200, {
    '@odata.context': contextUrl(context, 'settings/exchange/$entity'),
    primaryMailboxId: `MBX:${hex.slice(0, 8)}@${hex.slice(8, 16)}`,
    ...(archive ? { inPlaceArchiveMailboxId: archive.id } : {}),
  });
}
