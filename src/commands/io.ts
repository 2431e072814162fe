/**
 * The command line's view of the outside world: the run layer's (run/io.ts), and the one prefix every
 * error it prints starts with.
 */
export type { OutputStream, RunIo as CliIo } from '../run/io.js';
export { ERROR_PREFIX } from '../run/io.js';
export { UsageError } from '../accounting/errors.js';
