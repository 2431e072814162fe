import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ledger } from '../ledger/ledger.js';
import { storageFailure, storageProblem, type StoragePlace } from '../accounting/storage-failure.js';
import { UsageError } from '../accounting/errors.js';
import { StateInUseError } from '../ledger/exclusive-lock.js';

/** The ledger a run keeps: the state folder's, or a scratch one for a dry run (`state` null). */
export function ledgerPlace(state: string | null): StoragePlace {
  return state === null ? { kind: 'temporary', path: tmpdir() } : { kind: 'state', path: state };
}

/** `error`, or the StorageFailureError it means when the disk is its cause (see storage-failure.ts). */
export function explainStorage(error: unknown, place: StoragePlace): unknown {
  return storageFailure(error, place) ?? error;
}

/**
 * A state file that could not be opened, as the one sentence of a usage error (exit 2: nothing has been
 * written yet); another run holding it is told as such.
 */
export function cannotOpen(error: unknown, what: string): unknown {
  if (error instanceof StateInUseError) return error;
  const problem = storageProblem(error);
  const why = problem === undefined ? (error as Error).message : `${problem} (${(error as { code: string }).code})`;
  return new UsageError(`${what}: ${why}`, { cause: error });
}

/**
 * Opens the run's ledger, runs `work` with it and closes it, also when `work` fails. A ledger that cannot
 * be opened stops the run before anything is written (UsageError, exit 2), as an unusable --report does;
 * a disk that fails later (during the run, writing the reports, or on closing) comes out as one
 * StorageFailureError.
 */
export async function withLedger<T>(state: string | null, work: (ledger: Ledger) => Promise<T>): Promise<T> {
  const place = ledgerPlace(state);
  let ledger: Ledger;
  try {
    ledger = state === null ? Ledger.openScratch() : Ledger.open(join(state, 'state.db'));
  } catch (error) {
    throw cannotOpen(error, state === null ? `the temporary folder ${tmpdir()}: cannot keep the dry run's ledger there` : `--state ${state}: cannot open the ledger there`);
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
