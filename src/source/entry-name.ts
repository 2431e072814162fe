/** Entry names: from raw zip bytes to a decoded name, and from a name to a mailbox folder. */
import { crc32 } from 'node:zlib';
import { decodeCp437 } from './cp437.js';
import { decodeModifiedUtf7 } from './modified-utf7.js';

/** General-purpose flag bit 11: the name and comment are UTF-8. */
const UTF8_FLAG = 0x0800;
/** Info-ZIP Unicode Path extra field: version byte, CRC-32 of the raw name, UTF-8 name. */
const UNICODE_PATH_EXTRA_ID = 0x7075;

export interface ExtraField {
  readonly id: number;
  readonly data: Buffer;
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes an entry name: UTF-8 when the flag says so; else the Unicode Path extra field when its CRC
 * matches the raw name (a stale field belongs to a name that was since changed); else CP437.
 */
export function decodeEntryName(raw: Buffer, generalPurposeFlags: number, extraFields: readonly ExtraField[]): string {
  if (generalPurposeFlags & UTF8_FLAG) {
    try {
      return utf8Strict.decode(raw);
    } catch {
      // A flag that lies: fall through to the other encodings rather than showing replacement characters.
    }
  }
  for (const field of extraFields) {
    if (field.id !== UNICODE_PATH_EXTRA_ID || field.data.length < 5 || field.data[0] !== 1) continue;
    if (field.data.readUInt32LE(1) !== crc32(raw)) continue;
    try {
      return utf8Strict.decode(field.data.subarray(5));
    } catch {
      continue;
    }
  }
  return decodeCp437(raw);
}

/** True for a directory entry (its name ends with '/'), which holds no message. */
export function isDirectoryName(name: string): boolean {
  return name.endsWith('/');
}

/**
 * The directory segments of an entry name, still encoded as in the zip. Empty segments ('a//b', a leading
 * '/') are dropped. A directory entry's own name counts as a directory.
 */
export function directorySegments(name: string): string[] {
  const parts = name.split('/').filter((part) => part !== '');
  if (!isDirectoryName(name)) parts.pop();
  return parts;
}

/**
 * Top-level names that are mailbox folders, never an export-job prefix: an export holding only Inbox must
 * keep its Inbox. Compared case-insensitively after modified UTF-7 decoding.
 */
const MAILBOX_FOLDER_NAMES = new Set([
  'inbox',
  'sent items',
  'sent',
  'drafts',
  'deleted items',
  'trash',
  'junk e-mail',
  'junk email',
  'junk',
  'spam',
  'bulk mail',
  'archive',
  'outbox',
  'calendar',
]);

/**
 * Finds the single root directory shared by every entry (an export-job prefix such as `export-<jobid>/`),
 * in one pass and constant memory. Feed it every entry name, directories included.
 */
export class SharedRootFinder {
  private candidate: string | undefined;
  private shared = true;
  private seen = false;
  /** A file other than an export log sits directly in the candidate: it is a mail folder, not a job prefix. */
  private fileInCandidate = false;

  add(name: string): void {
    // Called for every entry: the usual name ('root/Folder/1.eml') is checked without splitting it.
    const slash = name.indexOf('/');
    if (slash > 0 && this.seen && this.candidate !== undefined) {
      if (slash !== this.candidate.length || !name.startsWith(this.candidate)) this.shared = false;
      else if (!this.fileInCandidate && isFileDirectlyIn(name, slash)) this.fileInCandidate = true;
      return;
    }
    const first = directorySegments(name)[0];
    if (first === undefined) {
      this.shared = false; // a file at the top level: nothing is shared
      return;
    }
    if (!this.seen) {
      this.candidate = first;
      this.seen = true;
      if (slash === first.length && isFileDirectlyIn(name, slash)) this.fileInCandidate = true;
    } else if (first !== this.candidate) this.shared = false;
  }

  /** The root to strip, or undefined when there is none (or it is a mailbox folder name). */
  root(): string | undefined {
    if (!this.shared || this.candidate === undefined || this.fileInCandidate) return undefined;
    if (MAILBOX_FOLDER_NAMES.has(decodeModifiedUtf7(this.candidate).toLowerCase())) return undefined;
    return this.candidate;
  }
}

/** Whether `name` is a file (not a folder, not a JSON export log) right below its first segment, which ends at `slash`. */
function isFileDirectlyIn(name: string, slash: number): boolean {
  return name.indexOf('/', slash + 1) === -1 && slash + 1 < name.length && !/\.json$/i.test(name);
}

/** The mailbox folder of an entry: its directory segments, the shared root stripped, modified UTF-7 decoded. */
export function folderSegmentsOf(name: string, sharedRoot: string | undefined): string[] {
  const segments = directorySegments(name);
  if (sharedRoot !== undefined && segments[0] === sharedRoot) segments.shift();
  return segments.map(decodeModifiedUtf7);
}

/** Folder segments joined for display. A '/' inside a segment stays; use the segments to tell them apart. */
export function folderPath(segments: readonly string[]): string {
  return segments.join('/');
}
