/** doctor's line about the online archive, and what Graph cannot show about retention and archive policies. */
import { findArchive } from '../destination/graph/archive.js';
import type { GraphRequester } from '../destination/graph/graph-requester.js';
import type { Check } from './preflight.js';

const WHERE_TO_LOOK =
  'Graph shows no retention or archive policy: in the Exchange admin centre open Mailboxes > {mailbox} > Mailbox > ' +
  'Mailbox policies (retention policy) and Others > Manage mailbox archive, and in Microsoft Purview check Data lifecycle ' +
  'management > Retention policies, since a policy that moves or deletes old mail will make reconcile count imported messages as missing';

export async function archiveCheck(http: GraphRequester, mailbox: string): Promise<Check> {
  const state = await findArchive(http, mailbox);
  const where = WHERE_TO_LOOK.replace('{mailbox}', mailbox);
  const name = `archive ${mailbox}`;
  switch (state.kind) {
    case 'archive':
      return { name, ok: true, detail: `has an online archive; reconcile looks there and names what it finds "not in the primary mailbox". ${where}` };
    case 'none':
      return { name, ok: true, detail: `no online archive. ${where}` };
    case 'unknown':
      return { name, ok: true, detail: `cannot tell whether there is an online archive (${state.reason}). ${where}` };
  }
}
