/**
 * Each mailbox's size from its zips' central directories, for the plan and the shard assignment. The
 * reader is a parameter so S3 sources plug in; the sizes depend only on the zips, so every machine that
 * reads the same zips gets the same numbers and therefore the same shard assignment.
 */
import { basename } from 'node:path';
import PQueue from 'p-queue';
import { canonicalZipLocation } from '../source/index.js';
import { readZipSize, type ZipSize, type ZipSizeReader } from '../source/zip-size.js';
import type { MailboxSize } from '../plan/estate.js';
import type { ZipToScan } from './scan/scan.js';
import type { Ledger, ZipRecord } from '../ledger/ledger.js';

export interface EstateSizes {
  readonly mailboxes: MailboxSize[];
  /** Zips whose central directory could not be read, one sentence each: what the plan counts as empty. */
  readonly unreadable: string[];
  /** The same, as the plan says them: counted as empty. */
  readonly problems: string[];
}

/** Central directories read at once: each is a few reads, mostly waiting on the disk or S3. */
const READS_AT_ONCE = 8;

export async function measureMailboxes(zips: readonly ZipToScan[], readSize: ZipSizeReader = readZipSize): Promise<EstateSizes> {
  const queue = new PQueue({ concurrency: READS_AT_ONCE });
  const unreadable: string[] = [];
  const sizes = await Promise.all(
    zips.map((zip) =>
      queue.add(async (): Promise<ZipSize | null> => {
        try {
          return await readSize(zip.path);
        } catch (error) {
          unreadable.push(`${zip.path}: central directory unreadable (${(error as Error).message})`);
          return null;
        }
      }),
    ),
  );
  const byMailbox = new Map<string, { zips: string[]; messages: number; bytes: number }>();
  zips.forEach((zip, i) => {
    // A dry run without a mailbox: each zip is its own scope, named by its file.
    const key = zip.mailbox ?? basename(zip.path);
    let entry = byMailbox.get(key);
    if (!entry) byMailbox.set(key, (entry = { zips: [], messages: 0, bytes: 0 }));
    entry.zips.push(zip.path);
    entry.messages += sizes[i]?.messages ?? 0;
    entry.bytes += sizes[i]?.messageBytes ?? 0;
  });
  unreadable.sort();
  return { mailboxes: [...byMailbox].map(([mailbox, m]) => ({ mailbox, ...m })), unreadable, problems: unreadable.map((sentence) => `${sentence}; counted as empty`) };
}

/**
 * Sizes from the rows of zips this run has scanned (a dry run's plan): no third pass over each central
 * directory, and for an S3 zip no second fetch of it. A zip not read to the end is read as the plan
 * reads it (which then names what is wrong with it).
 */
export function scannedZipSizes(ledger: Ledger, records: readonly ZipRecord[]): ZipSizeReader {
  const complete = new Map(records.filter((r) => r.scanned && r.archiveError === null).map((r) => [r.path, r]));
  return async (location) => {
    const record = complete.get(canonicalZipLocation(location));
    return record === undefined ? readZipSize(location) : { ...ledger.entrySizes(record.id), fileBytes: record.size };
  };
}
