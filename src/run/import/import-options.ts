import type { DestinationSettings } from '../../destination/graph/destination-settings.js';
import type { RunSettings } from '../run-settings.js';
import type { ImportMailboxesOptions } from './import-mailboxes.js';
import { machineMailboxLocks } from '../../ledger/mailbox-lock.js';
import { resolve } from 'node:path';

/** The import's options from the settings: the same for the import and its wait mode, so an option is read in one place. */
export function importOptionsFrom(
  destination: Pick<DestinationSettings, 'api' | 'graphUrl' | 'cloud'>,
  run: Pick<RunSettings, 'dryRun' | 'parallel' | 'landingWindowSeconds' | 'state'>,
): ImportMailboxesOptions {
  return {
    api: destination.api,
    dryRun: run.dryRun,
    parallel: run.parallel,
    landingWindowMs: run.landingWindowSeconds * 1000,
    // A dry run writes to no mailbox, so it holds none.
    ...(run.dryRun ? {} : { mailboxLocks: machineMailboxLocks(destination.graphUrl ?? destination.cloud, resolve(run.state)) }),
  };
}
