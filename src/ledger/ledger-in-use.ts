/** Why a run cannot have its ledger: its own file, so the CLI can name the error without loading SQLite. */
/** The ledger is held by another process: another run on the same state folder. */
export class LedgerInUseError extends Error {
  constructor(readonly path: string) {
    super(`${path}: another eml-import run is using this state folder (its ledger is locked); let that run finish, or give this one its own --state`);
    this.name = 'LedgerInUseError';
  }
}
