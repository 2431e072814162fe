import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ledger } from '../ledger/ledger.js';
import { storageFailure, type StoragePlace } from '../accounting/storage-failure.js';

/** The ledger a run keeps: the state folder's, or a scratch one for a dry run (`state` null). */
export function ledgerPlace(state: string | null): StoragePlace {
  return state === null ? { temporary: tmpdir() } : { state };
}

/** `error`, or the StorageFailureError it means when the disk is its cause (see storage-failure.ts). */
export function explainStorage(error: unknown, place: StoragePlace): unknown {
  return storageFailure(error, place) ?? error;
}

/**
 * Opens the run's ledger, runs `work` with it and closes it, also when `work` fails; a failing disk (on
 * opening, during the run, writing the reports, or on closing) comes out as one StorageFailureError.
 */
export async function withLedger<T>(state: string | null, work: (ledger: Ledger) => Promise<T>): Promise<T> {
  const place = ledgerPlace(state);
  let ledger: Ledger;
  try {
    ledger = state === null ? Ledger.openScratch() : Ledger.open(join(state, 'state.db'));
  } catch (error) {
    throw explainStorage(error, place);
  }
  let result: T;
  try {
    result = await work(ledger);
  } catch (error) {
    try {
      ledger.close();
    } catch {
      // The error that stopped the run is the one to tell.
    }
    throw explainStorage(error, place);
  }
  try {
    ledger.close();
  } catch (error) {
    throw explainStorage(error, place);
  }
  return result;
}
