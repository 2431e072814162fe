import type { Mailbox, StoredFolder } from '../store.js';

export const FOLDER_PROPERTIES = [
  'id',
  'displayName',
  'parentFolderId',
  'childFolderCount',
  'unreadItemCount',
  'totalItemCount',
  'sizeInBytes',
  'isHidden',
  'wellKnownName',
] as const;

/** Counts are computed on every read, so totalItemCount is right at all times. */
export function folderView(folder: StoredFolder, mailbox: Mailbox, version: string, select?: string[]): Record<string, unknown> {
  const messages = mailbox.messagesIn(folder.id);
  const full: Record<string, unknown> = {
    id: folder.id,
    displayName: folder.displayName,
    parentFolderId: folder.parentId,
    childFolderCount: mailbox.children(folder.id).length,
    unreadItemCount: messages.filter((message) => !message.isRead).length,
    totalItemCount: messages.length,
    sizeInBytes: messages.reduce((sum, message) => sum + (message.mime?.length ?? message.body.content.length), 0),
    isHidden: folder.isHidden,
  };
  // wellKnownName is a beta-only property.
  if (version === 'beta') full['wellKnownName'] = folder.wellKnownName;
  if (!select) return full;
  const view: Record<string, unknown> = { id: folder.id };
  for (const name of select) if (name in full) view[name] = full[name];
  return view;
}
