/**
 * The ledger is held by another process: another run on the same state folder. In a file of its own, so
 * that the CLI can tell this error apart without loading SQLite.
 */
export class LedgerInUseError extends Error {
  constructor(readonly path: string) {
    super(`${path}: another eml-import run is using this state folder (its ledger is locked); let that run finish, or give this one its own --state`);
    this.name = 'LedgerInUseError';
  }
}
