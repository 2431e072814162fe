/**
 * How much a zip holds, from its central directory alone: a few reads at the end of the file, seconds for
 * a whole estate, where a full scan takes hours. The plan and the shard assignment read sizes through
 * `ZipSizeReader`, so an S3 reader (ranged GETs of the directory) can stand in for the local one.
 */
import { stat } from 'node:fs/promises';
import { walkCentralDirectory } from './central-directory.js';
import { isDirectoryName } from './entry-name.js';

export interface ZipSize {
  /** Entries that may be messages: not folders, not `.json` export logs, not `.ics` calendar items. */
  readonly messages: number;
  /** Their uncompressed bytes: what an import sends to Graph before base64. */
  readonly messageBytes: number;
  /** The largest of them: above about 3 MB a message leaves importMime for the JSON path. */
  readonly largestMessageBytes: number;
  /** The zip file's own size. */
  readonly fileBytes: number;
}

export type ZipSizeReader = (zip: string) => Promise<ZipSize>;

/** Names whose content the scan sniffs as something other than a message, known here from the name alone. */
const NOT_A_MESSAGE = /\.(json|ics)$/i;

/** Reads a local zip's central directory. Throws, naming nothing: the caller adds the zip's path. */
export const readLocalZipSize: ZipSizeReader = async (zip) => {
  const fileBytes = (await stat(zip)).size;
  let messages = 0;
  let messageBytes = 0;
  let largestMessageBytes = 0;
  for await (const entry of walkCentralDirectory(zip)) {
    if (isDirectoryName(entry.name) || NOT_A_MESSAGE.test(entry.name)) continue;
    messages += 1;
    messageBytes += entry.uncompressedSize;
    largestMessageBytes = Math.max(largestMessageBytes, entry.uncompressedSize);
  }
  return { messages, messageBytes, largestMessageBytes, fileBytes };
};
