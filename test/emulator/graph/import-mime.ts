import { jsonReply, type Reply } from '../http/reply.js';
import { looksLikeMime, type MimeSummary } from '../mime-summary.js';
import { contextUrl, folderParam, type GraphContext } from './context.js';
import { graphErrors } from './errors.js';
import { messageView } from './message-view.js';
import { decodeBase64Mime, isTextPlain } from './mime-body.js';
import { addMessage, fieldsFromMime } from './new-message.js';
import { applyCreateQuirks } from './tenant-rules.js';

interface ReadImport {
  readonly mime: Buffer;
  readonly summary: Promise<MimeSummary>;
}

/** The body checked in Graph's order and decoded, and its parse begun: before the request's latency. */
export function prepareImportMime(context: GraphContext): ReadImport {
  if (!isTextPlain(context)) throw graphErrors.unableToDeserialize();
  const mime = decodeBase64Mime(context);
  const ceiling = context.state.options.quirks.importMimeMaxBytes;
  if (ceiling !== undefined && mime.length > ceiling) throw graphErrors.requestTooLarge();
  if (!looksLikeMime(mime)) throw graphErrors.invalidMime();
  const marker = context.state.options.quirks.invalidMimeMarker;
  if (marker !== undefined && mime.includes(marker)) throw graphErrors.invalidMime();
  return { mime, summary: context.state.summarise(mime) };
}

function readImport(context: GraphContext): ReadImport {
  const prepared = context.prepared;
  if (prepared === undefined) return prepareImportMime(context);
  if ('error' in prepared) throw prepared.error;
  return prepared.value as ReadImport;
}

/** POST /beta/users/{id}/mailFolders/{id}/importMime: base64 MIME straight into a folder, not a draft. */
export async function importMime(context: GraphContext): Promise<Reply> {
  const folder = folderParam(context);
  const { mime, summary } = readImport(context);
  const message = addMessage(context.mailbox, folder.id, 'importMime', applyCreateQuirks(context.state, fieldsFromMime(await summary, mime, false)));
  return jsonReply(201, { '@odata.context': contextUrl(context, 'messages/$entity'), ...messageView(message) });
}
