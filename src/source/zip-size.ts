/**
 * How much a zip holds, from its central directory alone: a few reads at the end of the file (ranged GETs
 * of an S3 object), seconds for a whole estate, where a full scan takes hours. The plan and the shard
 * assignment read sizes through `ZipSizeReader`, so that a run that has the sizes already (a dry run's
 * ledger) can stand in for the reads.
 */
import { walkCentralDirectory } from './central-directory.js';
import { isDirectoryName } from './entry-name.js';
import { openZipFile } from './zip-file.js';

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

/**
 * Extensions of names whose content the scan sniffs as something other than a message, known here from the
 * name alone (lower case; compared without regard to case).
 */
export const NOT_A_MESSAGE_EXTENSIONS: readonly string[] = ['.json', '.ics'];

/** Whether an entry of this name counts as a message in a ZipSize. */
function countsAsMessage(name: string): boolean {
  const lower = name.toLowerCase();
  return !isDirectoryName(name) && !NOT_A_MESSAGE_EXTENSIONS.some((extension) => lower.endsWith(extension));
}

/** Reads a zip's central directory, local or s3://. Throws, naming nothing: the caller adds the zip's path. */
export const readZipSize: ZipSizeReader = async (location) => {
  const zip = await openZipFile(location, { blocking: false });
  try {
    let messages = 0;
    let messageBytes = 0;
    let largestMessageBytes = 0;
    for await (const entry of walkCentralDirectory(location, zip)) {
      if (!countsAsMessage(entry.name)) continue;
      messages += 1;
      messageBytes += entry.uncompressedSize;
      largestMessageBytes = Math.max(largestMessageBytes, entry.uncompressedSize);
    }
    return { messages, messageBytes, largestMessageBytes, fileBytes: zip.fileSize };
  } finally {
    await zip.close();
  }
};
