import { ExitCode } from '../accounting/exit-codes.js';
import { Stats } from '../accounting/stats.js';
import { connect } from '../run/connect.js';
import { readMapFile } from '../run/mailbox-map.js';
import { checkCredential, checkOptionFile } from './check-inputs.js';
import { UsageError, type CliIo } from './io.js';
import type { ImportOptions } from './options.js';

/**
 * `eml-import doctor`: the import's own preflight, printed as a checklist, or with --json as one object
 * (`{ ok, checks: [{ name, ok, detail }] }`) for a script. Exit 0 when all pass.
 */
export async function runDoctor(options: ImportOptions, io: CliIo): Promise<number> {
  checkOptionFile('--map', options.map);
  const mailboxes = options.mailbox ? [options.mailbox] : options.map ? [...new Set(readMapFile(options.map).map((r) => r.mailbox))] : [];
  if (mailboxes.length === 0) throw new UsageError('doctor needs --mailbox or --map to know which mailboxes to check');
  checkCredential(options, io);
  const connection = await connect(options, io, new Stats());
  const checks = await connection.checks(mailboxes);
  const failed = checks.filter((c) => !c.ok).length;
  if (options.json) {
    const result = { ok: failed === 0, checks: checks.map((c) => ({ name: c.name, ok: c.ok, detail: c.detail })) };
    io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    for (const check of checks) io.stdout.write(`${check.ok ? 'ok  ' : 'FAIL'} ${check.name}: ${check.detail}\n`);
    io.stdout.write(failed === 0 ? 'All checks passed.\n' : `${failed} check(s) failed.\n`);
  }
  return failed === 0 ? ExitCode.ok : ExitCode.usage;
}
