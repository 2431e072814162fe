import type { DestinationSettings } from '../../destination/graph/destination-settings.js';
import type { RunSettings } from '../run-settings.js';
import type { ImportMailboxesOptions } from './import-mailboxes.js';

/** The import's options from the settings: the same for the import and its wait mode, so an option is read in one place. */
export function importOptionsFrom(destination: Pick<DestinationSettings, 'api'>, run: Pick<RunSettings, 'dryRun' | 'parallel' | 'landingWindowSeconds'>): ImportMailboxesOptions {
  return { api: destination.api, dryRun: run.dryRun, parallel: run.parallel, landingWindowMs: run.landingWindowSeconds * 1000 };
}
