/**
 * Exchange's default folders under the mailbox root that are not mail folders. Graph's mailFolders listings
 * leave them out (includeHiddenFolders or not), yet they hold their names: "Sibling folders MUST have unique
 * display names" (MS-OXCFOLD 2.2.2.2.2.5). A mail folder "Notes" created there is refused with
 * ErrorFolderExists, and no listing shows what holds the name, so its messages failed on every run. A source
 * folder of that name (WorkMail's own Notes or Tasks folder, or a user's) gets a name of its own instead, the
 * same for the import and reconcile, since both take their targets from mapFolder.
 */
const NON_MAIL_ROOT_FOLDERS: ReadonlySet<string> = new Set(['calendar', 'contacts', 'journal', 'notes', 'tasks']);

/** The name a folder takes beside a non-mail folder that holds its own: `Notes` becomes `Notes (mail)`. */
export function mailFolderName(name: string): string {
  return `${name} (mail)`;
}

/**
 * The name a top-level source folder is given under the mailbox root. The English names are known before
 * the run; in a mailbox of another locale they are Kalender, Notizen, Aufgaben..., which the destination
 * finds held when it creates the folder and then gives mailFolderName too (destination/graph/folders.ts).
 */
export function rootFolderName(name: string): string {
  return NON_MAIL_ROOT_FOLDERS.has(name.trim().toLowerCase()) ? mailFolderName(name) : name;
}
