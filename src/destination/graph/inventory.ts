/** Reading the destination back: every message of a folder, and the whole folder tree with counts. */
import type { DestinationFolder, DestinationMessage, FolderRef } from '../types.js';
import type { GraphRequester } from './graph-requester.js';
import { FINGERPRINT_PROPERTY_ID, fingerprintExpand } from './named-property.js';
import { queryString, segment, userPath } from './odata.js';
import { collection } from './paging.js';
import { childPath } from './folder-names.js';

/** A message as `$select=MESSAGE_SELECT` plus our `$expand` returns it. */
export interface GraphMessage {
  readonly id: string;
  readonly subject?: string | null;
  readonly sentDateTime?: string | null;
  readonly receivedDateTime?: string | null;
  readonly internetMessageId?: string | null;
  readonly isDraft?: boolean | null;
  readonly singleValueExtendedProperties?: readonly { readonly id: string; readonly value: string }[];
}

export const MESSAGE_SELECT = 'id,subject,sentDateTime,receivedDateTime,internetMessageId,isDraft';

/** Graph's maximum page for messages: fewest requests against the 10,000 per 10 minutes budget. */
export const MESSAGE_PAGE_SIZE = 1000;

export function toDestinationMessage(raw: GraphMessage): DestinationMessage {
  // Graph echoes the property id in its own casing; compare without regard to case.
  const wanted = FINGERPRINT_PROPERTY_ID.toLowerCase();
  const property = raw.singleValueExtendedProperties?.find((p) => p.id.toLowerCase() === wanted);
  return {
    id: raw.id,
    subject: raw.subject ?? '',
    sentDateTime: raw.sentDateTime ?? null,
    receivedDateTime: raw.receivedDateTime ?? null,
    internetMessageId: raw.internetMessageId ?? null,
    isDraft: raw.isDraft === true,
    importFingerprint: property?.value ?? null,
  };
}

/** The query for message listings and lookups: our selection, our property expanded, optional filter. */
export function messageQuery(options: { filter?: string; top?: number }): string {
  return queryString({
    ...(options.filter === undefined ? {} : { $filter: options.filter }),
    $select: MESSAGE_SELECT,
    $expand: fingerprintExpand(),
    ...(options.top === undefined ? {} : { $top: options.top }),
  });
}

export async function* listMessages(
  http: GraphRequester,
  mailbox: string,
  folder: FolderRef,
  pageSize = MESSAGE_PAGE_SIZE,
): AsyncGenerator<DestinationMessage> {
  const path = `${userPath(mailbox)}/mailFolders/${segment(folder.id)}/messages${messageQuery({ top: pageSize })}`;
  for await (const raw of collection<GraphMessage>(http, mailbox, path)) yield toDestinationMessage(raw);
}

interface GraphFolderWithCounts {
  readonly id: string;
  readonly displayName: string;
  readonly totalItemCount?: number;
  readonly childFolderCount?: number;
}

const FOLDER_QUERY = queryString({
  includeHiddenFolders: true,
  $top: 100,
  $select: 'id,displayName,totalItemCount,childFolderCount',
});

/** Every folder below the root, hidden ones included, parents before their children. */
export async function listFolders(http: GraphRequester, mailbox: string): Promise<DestinationFolder[]> {
  const result: DestinationFolder[] = [];
  const pending: { readonly listPath: string; readonly parentPath: string }[] = [
    { listPath: `${userPath(mailbox)}/mailFolders${FOLDER_QUERY}`, parentPath: '' },
  ];
  for (let next = pending.shift(); next !== undefined; next = pending.shift()) {
    for await (const raw of collection<GraphFolderWithCounts>(http, mailbox, next.listPath)) {
      const path = childPath(next.parentPath, raw.displayName);
      result.push({ id: raw.id, path, totalItemCount: raw.totalItemCount ?? 0 });
      // A missing count means Graph did not say: look rather than miss a subtree.
      if (raw.childFolderCount !== 0) {
        pending.push({
          listPath: `${userPath(mailbox)}/mailFolders/${segment(raw.id)}/childFolders${FOLDER_QUERY}`,
          parentPath: path,
        });
      }
    }
  }
  return result;
}
