/**
 * A write the run depends on failed because of the disk, not the data or the command line: full, over
 * quota, read-only, or failing. At 2 a.m. that is a full disk far more often than a bug, and the admin
 * needs the place and the next step, not a stack trace: the run stops with one sentence (exit 1), and
 * the same command, run again once there is room, goes on from what the ledger kept.
 */

const PROBLEMS: readonly (readonly [RegExp, string])[] = [
  [/^(?:SQLITE_FULL|ENOSPC)$/, 'the disk is full'],
  [/^EDQUOT$/, 'the disk quota is used up'],
  [/^(?:SQLITE_READONLY\w*|EROFS)$/, 'the disk (or the file) is read-only'],
  [/^(?:SQLITE_IOERR\w*|EIO)$/, 'the disk reported an input/output error'],
];

/** What is wrong with the disk, when `error` (an SQLite or file-system error) says the disk is the cause. */
export function storageProblem(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  if (typeof code !== 'string') return undefined;
  return PROBLEMS.find(([pattern]) => pattern.test(code))?.[1];
}

export class StorageFailureError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StorageFailureError';
  }
}

/**
 * What was being written: the ledger in a state folder, a dry run's (or reconcile's) temporary ledger, the
 * report folder, or `eml-import export`'s job record in a state folder; `path` is that folder.
 */
export interface StoragePlace {
  readonly kind: 'state' | 'temporary' | 'reports' | 'exports';
  readonly path: string;
}

const IMPORT_GOES_ON =
  'and run the same command again: the ledger keeps what was done, and a message whose create was in flight is looked up in the mailbox before it is sent again, so nothing is imported twice';
const MOVE_STATE = 'Make room there (or move the state folder, as it is, to a larger disk and give that as --state)';

/** Per place: how the sentence names it, and what to do next. */
const PLACES: Record<StoragePlace['kind'], { readonly where: (path: string) => string; readonly room: string; readonly resume: string }> = {
  state: { where: (path) => `the ledger in ${path}`, room: MOVE_STATE, resume: IMPORT_GOES_ON },
  temporary: { where: (path) => `the temporary ledger in ${path}`, room: 'Make room there (or set TMPDIR to a folder on a larger disk)', resume: 'and run it again' },
  reports: { where: (path) => `the report folder ${path}`, room: 'Make room there (or give --report a folder on another disk)', resume: IMPORT_GOES_ON },
  exports: { where: (path) => `the export job record in ${path}`, room: MOVE_STATE, resume: 'and run the same command again: it follows the jobs it recorded' },
};

/**
 * `error` as a StorageFailureError naming the place and the next step, or undefined when the disk is not
 * the cause. A file-system error that names its file is told with that file.
 */
export function storageFailure(error: unknown, place: StoragePlace): StorageFailureError | undefined {
  const problem = storageProblem(error);
  if (problem === undefined) return undefined;
  const code = (error as { code: string }).code;
  const file = (error as { path?: unknown }).path;
  const { where, room, resume } = PLACES[place.kind];
  return new StorageFailureError(`${typeof file === 'string' ? file : where(place.path)}: ${problem} (${code}); the run stopped. ${room} ${resume}.`, { cause: error });
}
