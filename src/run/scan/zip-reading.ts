/**
 * A zip's entries being read, possibly started before they are wanted: with the run's read workers, the
 * next zip's first batches are read while this thread writes the last zip's rows and decides its
 * duplicates (run/scan/scan.ts). A thousand small mailboxes were otherwise read one at a time, the main
 * thread and the worker taking turns.
 */
import { scanExport, type ScanItem, type ScanOptions } from '../../source/index.js';

export interface ZipReading {
  readonly items: AsyncIterable<ScanItem>;
  /** Stops the reading where it is (its items need not all have been taken); harmless when it is done. */
  close(): Promise<void>;
}

/** The entries of the zip at `path`, read from now on when `ahead`, else from the first one asked for. */
export function readZip(path: string, options: ScanOptions, ahead: boolean): ZipReading {
  const items = scanExport(path, options);
  const close = async (): Promise<void> => {
    await items.return(undefined);
  };
  if (!ahead) return { items, close };
  const first = items.next();
  // Taken in its turn; a failure meanwhile (a zip whose bytes could not be had) must not go unhandled.
  first.catch(() => undefined);
  return {
    items: (async function* () {
      const head = await first;
      if (head.done === true) return;
      yield head.value;
      yield* items;
    })(),
    close: async () => {
      await first.catch(() => undefined);
      await close();
    },
  };
}
