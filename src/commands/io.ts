/**
 * The command line's view of the outside world: the run layer's (run/io.ts), and the one prefix every
 * error it prints starts with.
 */
export type { OutputStream, RunIo as CliIo } from '../run/io.js';
export { UsageError } from '../accounting/errors.js';

/** Every error the command line prints starts the same way, so a log search finds them all. */
export const ERROR_PREFIX = 'eml-import: error: ';
