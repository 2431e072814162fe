/**
 * doctor's own scratch folder: hidden, directly under the mailbox root, named with a fixed prefix so a run
 * that was killed before cleaning up is recognised and cleaned up by the next one. Removed with
 * permanentDelete, so nothing goes through Deleted Items either.
 */
import { errorStatus } from './graph-error.js';
import type { GraphRequester } from './graph-requester.js';
import { queryString, segment, userPath } from './odata.js';
import { collectAll } from './paging.js';

export const SCRATCH_FOLDER_PREFIX = 'eml-import write test ';

export interface ScratchFolder {
  readonly id: string;
  readonly displayName: string;
}

/** `eml-import write test 2026-12-06T10-41-07Z`: sortable, and free of characters OWA refuses (`:`). */
export function scratchFolderName(now: Date): string {
  return `${SCRATCH_FOLDER_PREFIX}${now.toISOString().replace(/\.\d{3}Z$/, 'Z').replaceAll(':', '-')}`;
}

/** isHidden can be set only at creation; Graph documents it for POST /mailFolders. */
export async function createScratchFolder(http: GraphRequester, mailbox: string, displayName: string): Promise<ScratchFolder> {
  const response = await http.request<{ id: string; displayName: string }>(mailbox, {
    method: 'POST',
    path: `${userPath(mailbox)}/mailFolders`,
    body: { displayName, isHidden: true },
  });
  return { id: response.body.id, displayName: response.body.displayName };
}

/** Scratch folders an earlier doctor run left behind (hidden ones included), under the root or in Deleted Items. */
export async function findScratchFolders(http: GraphRequester, mailbox: string): Promise<ScratchFolder[]> {
  const query = queryString({ includeHiddenFolders: true, $top: 100, $select: 'id,displayName' });
  const found: ScratchFolder[] = [];
  for (const parent of [`${userPath(mailbox)}/mailFolders`, `${userPath(mailbox)}/mailFolders/deleteditems/childFolders`]) {
    const folders = await collectAll<ScratchFolder>(http, mailbox, `${parent}${query}`);
    found.push(...folders.filter((folder) => folder.displayName.startsWith(SCRATCH_FOLDER_PREFIX)));
  }
  return found;
}

/**
 * The folder and everything in it, for good. permanentDelete is listed for the global service only; where
 * Graph does not know it (a national cloud), a DELETE moves the folder to Deleted Items and a second DELETE
 * takes it out of there, out of the user's sight.
 */
export async function deleteScratchFolder(http: GraphRequester, mailbox: string, id: string): Promise<void> {
  const folder = `${userPath(mailbox)}/mailFolders/${segment(id)}`;
  try {
    await http.request(mailbox, { method: 'POST', path: `${folder}/permanentDelete` });
    return;
  } catch (error) {
    const status = errorStatus(error);
    if (status !== 400 && status !== 404 && status !== 405) throw error;
  }
  await http.request(mailbox, { method: 'DELETE', path: folder });
  await http.request(mailbox, { method: 'DELETE', path: folder });
}
