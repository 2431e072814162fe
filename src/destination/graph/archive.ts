/**
 * The user's online (In-Place) archive, as far as Graph shows it: beta `settings/exchange` names its mailbox
 * id (application permission User.Read.All), and beta mail calls address it as /users/{that id}/….
 * Graph shows no retention or archive policy at all.
 */
import { errorStatus } from './graph-error.js';
import type { GraphRequester } from './graph-requester.js';
import { MAX_LOOKUP_PATH_CHARS } from './limits.js';
import { odataString, queryString, userPath } from './odata.js';

export type ArchiveState =
  | { readonly kind: 'archive'; readonly archiveMailboxId: string }
  | { readonly kind: 'none' }
  | { readonly kind: 'unknown'; readonly reason: string };

export async function findArchive(http: GraphRequester, mailbox: string): Promise<ArchiveState> {
  try {
    const response = await http.request<{ inPlaceArchiveMailboxId?: string | null }>(mailbox, {
      method: 'GET',
      version: 'beta',
      path: `${userPath(mailbox)}/settings/exchange`,
    });
    const id = response.body.inPlaceArchiveMailboxId;
    return typeof id === 'string' && id !== '' ? { kind: 'archive', archiveMailboxId: id } : { kind: 'none' };
  } catch (error) {
    const status = errorStatus(error);
    return {
      kind: 'unknown',
      reason: status === 403 ? 'the app lacks User.Read.All, which Graph needs to name the archive' : error instanceof Error ? error.message : String(error),
    };
  }
}

/** Whether the archive holds a message with this Message-ID (anywhere in it). */
export async function archiveHasMessage(http: GraphRequester, mailbox: string, archiveMailboxId: string, messageId: string): Promise<boolean> {
  const query = queryString({ $filter: `internetMessageId eq ${odataString(messageId)}`, $select: 'id', $top: 1 });
  // A Message-ID too long for a URL cannot be looked up this way: left missing, not a failed reconcile.
  if (query.length + userPath(archiveMailboxId).length + '/messages'.length > MAX_LOOKUP_PATH_CHARS) return false;
  // Requests to the archive are paced with the user's mailbox (its governor), the safe assumption.
  const response = await http.request<{ value?: unknown[] }>(mailbox, {
    method: 'GET',
    version: 'beta',
    path: `${userPath(archiveMailboxId)}/messages${query}`,
  });
  return (response.body.value ?? []).length > 0;
}
