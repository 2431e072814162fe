export interface WellKnownFolder {
  wellKnownName: string;
  displayName: string;
  /** Well-known name of the parent; null for the root and for folders outside the IPM subtree. */
  parent: string | null;
  isHidden: boolean;
}

/** The folders a fresh Exchange Online mailbox has, in the order Graph lists them. */
export const WELL_KNOWN_FOLDERS: readonly WellKnownFolder[] = [
  { wellKnownName: 'msgfolderroot', displayName: 'Top of Information Store', parent: null, isHidden: false },
  { wellKnownName: 'archive', displayName: 'Archive', parent: 'msgfolderroot', isHidden: false },
  { wellKnownName: 'conversationhistory', displayName: 'Conversation History', parent: 'msgfolderroot', isHidden: false },
  { wellKnownName: 'deleteditems', displayName: 'Deleted Items', parent: 'msgfolderroot', isHidden: false },
  { wellKnownName: 'drafts', displayName: 'Drafts', parent: 'msgfolderroot', isHidden: false },
  { wellKnownName: 'inbox', displayName: 'Inbox', parent: 'msgfolderroot', isHidden: false },
  { wellKnownName: 'junkemail', displayName: 'Junk Email', parent: 'msgfolderroot', isHidden: false },
  { wellKnownName: 'outbox', displayName: 'Outbox', parent: 'msgfolderroot', isHidden: false },
  { wellKnownName: 'sentitems', displayName: 'Sent Items', parent: 'msgfolderroot', isHidden: false },
  { wellKnownName: 'scheduled', displayName: 'Scheduled', parent: 'msgfolderroot', isHidden: false },
  { wellKnownName: 'clutter', displayName: 'Clutter', parent: 'msgfolderroot', isHidden: true },
  { wellKnownName: 'syncissues', displayName: 'Sync Issues', parent: 'msgfolderroot', isHidden: true },
  { wellKnownName: 'conflicts', displayName: 'Conflicts', parent: 'syncissues', isHidden: true },
  { wellKnownName: 'localfailures', displayName: 'Local Failures', parent: 'syncissues', isHidden: true },
  { wellKnownName: 'serverfailures', displayName: 'Server Failures', parent: 'syncissues', isHidden: true },
  { wellKnownName: 'searchfolders', displayName: 'Search Folders', parent: null, isHidden: true },
  { wellKnownName: 'recoverableitemsdeletions', displayName: 'Deletions', parent: null, isHidden: true },
];

/** The display names a German-locale mailbox gives its well-known folders (those not listed keep the English name). */
export const GERMAN_FOLDER_NAMES: Readonly<Record<string, string>> = {
  msgfolderroot: 'Oberste Ebene des Informationsspeichers',
  archive: 'Archiv',
  deleteditems: 'Gelöschte Elemente',
  drafts: 'Entwürfe',
  inbox: 'Posteingang',
  junkemail: 'Junk-E-Mail',
  outbox: 'Postausgang',
  sentitems: 'Gesendete Elemente',
};
