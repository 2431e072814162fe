/** What the source stage hands to the rest of the pipeline: one zip entry, named and sniffed. */

/** What an entry's first bytes say it is, whatever its name claims. */
export type EntryKind = 'message' | 'calendar' | 'export-log' | 'unreadable';

export interface SourceEntry {
  /** The zip file as the user named it on the command line. */
  readonly zipPath: string;
  /** The entry's full name inside the zip, decoded (UTF-8 flag, else CP437). */
  readonly entryName: string;
  /**
   * The mailbox folder: the directory part of the entry name, with a root directory shared by every
   * entry stripped and IMAP modified UTF-7 decoded; segments joined with '/'. '' for the top level.
   */
  readonly folder: string;
  /** The folder's segments, so that a '/' inside a folder name survives (it is never split again). */
  readonly folderSegments: readonly string[];
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  /** CRC-32 of the content, from the central directory: with the size, what "identical content" means. */
  readonly crc32: number;
  /**
   * The entry's position in the central directory (from 0). Two entries may share a name; pass this to
   * ExportReader.readWhole to say which one.
   */
  readonly entryIndex: number;
  /** Where the entry's data is: with the name, size and CRC-32, enough to read it again later (ExportReader.readLocated). */
  readonly location: EntryLocation;
}

/**
 * Where an entry's data is in its zip, as the central directory says. The ledger keeps it with each row, so
 * that an upload reads its message straight from the zip, without walking the central directory again
 * or holding a record of every entry while a mailbox is imported.
 */
export interface EntryLocation {
  readonly localHeaderOffset: number;
  readonly compressedSize: number;
  readonly compressionMethod: number;
  /** The general-purpose flags (encryption bits). */
  readonly flags: number;
}

/** The result of reading one entry: its kind, its header block or whole bytes, or why it can't be read. */
export type EntryRead =
  | {
      readonly ok: true;
      readonly kind: EntryKind;
      /** The raw header block (up to, not including, the blank line), or the whole entry when it has none. */
      readonly head: Buffer;
      /** The whole entry, only when it was asked for (verify mode, or an upload). */
      readonly body?: Buffer;
      /** True when every byte was inflated and the CRC-32 and sizes matched the central directory. */
      readonly verified: boolean;
      /** Why the content was not recognised, when kind is 'unreadable'. */
      readonly reason?: string;
    }
  /** `readAgain`: the bytes could not be had this time (SourceTransientError), nothing is wrong with them. */
  | { readonly ok: false; readonly error: string; readonly readAgain?: boolean };

/** Counts from a WorkMail export log (JSON) found inside a zip, to be checked against what was read. */
export interface ExportLog {
  readonly entryName: string;
  readonly totalMessages?: number;
  readonly totalBytes?: number;
  readonly totalFolders?: number;
  readonly totalNonExportableItems?: number;
  readonly raw: Record<string, unknown>;
}
