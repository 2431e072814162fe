import { jsonReply, type Reply } from '../http/reply.js';
import { looksLikeMime, summariseMime } from '../mime-summary.js';
import { contextUrl, folderParam, type GraphContext } from './context.js';
import { graphErrors } from './errors.js';
import { messageView } from './message-view.js';
import { decodeBase64Mime, isTextPlain } from './mime-body.js';
import { addMessage, fieldsFromMime } from './new-message.js';
import { applyCreateQuirks } from './tenant-rules.js';

/** POST /beta/users/{id}/mailFolders/{id}/importMime: base64 MIME straight into a folder, not a draft. */
export async function importMime(context: GraphContext): Promise<Reply> {
  const folder = folderParam(context);
  if (!isTextPlain(context)) throw graphErrors.unableToDeserialize();
  const mime = decodeBase64Mime(context);
  const ceiling = context.state.options.quirks.importMimeMaxBytes;
  if (ceiling !== undefined && mime.length > ceiling) throw graphErrors.requestTooLarge();
  if (!looksLikeMime(mime)) throw graphErrors.invalidMime();
  const summary = await summariseMime(mime);
  const message = addMessage(context.mailbox, folder.id, 'importMime', applyCreateQuirks(context.state, fieldsFromMime(summary, mime, false)));
  return jsonReply(201, { '@odata.context': contextUrl(context, 'messages/$entity'), ...messageView(message) });
}
