import { ExitCode } from '../accounting/exit-codes.js';
import { Stats } from '../accounting/stats.js';
import { archiveCheck } from '../run/archive-check.js';
import { connect } from '../run/connect.js';
import { readMapFile } from '../run/mailbox-map.js';
import { checkCredential, checkOptionFile } from './check-inputs.js';
import type { Check } from '../run/preflight.js';
import { runWriteTest, type WriteCheck } from '../run/write-test/run-write-test.js';
import { UsageError, type CliIo } from './io.js';
import type { ImportSettings } from './options.js';

/**
 * The day doctor judges date-switched Graph rules by (the 31 December 2026 sensitive-property rule):
 * EML_IMPORT_TODAY=2027-01-04 shows today what doctor will say then. Default: the real date.
 */
function today(io: CliIo): Date {
  const value = io.env['EML_IMPORT_TODAY'];
  if (value === undefined || value === '') return new Date();
  const day = new Date(`${value}T12:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(day.getTime())) throw new UsageError(`EML_IMPORT_TODAY wants a day as YYYY-MM-DD, got '${value}'`);
  return day;
}

export interface DoctorOptions {
  /** Also write, read back and remove test messages in a hidden folder of each mailbox. */
  readonly writeTest: boolean;
  readonly json: boolean;
}

/**
 * `eml-import doctor`: the import's own preflight, printed as a checklist; with --write-test, proof that
 * the tenant does what the import relies on. Exit 0 only when every check holds.
 */
export async function runDoctor(settings: Pick<ImportSettings, 'destination' | 'run'>, io: CliIo, doctor: DoctorOptions = { writeTest: false, json: false }): Promise<number> {
  const { destination, run } = settings;
  checkOptionFile('--map', run.map);
  const mailboxes = run.mailbox ? [run.mailbox] : run.map ? [...new Set(readMapFile(run.map).map((r) => r.mailbox))] : [];
  if (mailboxes.length === 0) throw new UsageError('doctor needs --mailbox or --map to know which mailboxes to check');
  checkCredential(destination, io);
  if (destination.apiNote !== undefined && !doctor.json) io.stderr.write(`eml-import: ${destination.apiNote}\n`);
  const stats = new Stats();
  const connection = await connect(destination, io, stats);
  const checks: (Check | WriteCheck)[] = [];
  const show = (check: Check | WriteCheck): void => {
    if (!doctor.json) io.stdout.write(`${check.ok ? 'ok  ' : 'FAIL'} ${check.name}: ${check.detail}\n`);
  };
  const print = (added: readonly (Check | WriteCheck)[]): void => {
    checks.push(...added);
    added.forEach(show);
  };

  print(await connection.checks(mailboxes, { now: today(io) }));
  const readOnlyPassed = checks.every((c) => c.ok);
  if (readOnlyPassed) {
    for (const mailbox of mailboxes) print([await archiveCheck(connection.http, mailbox)]);
  }
  if (doctor.writeTest) {
    if (!readOnlyPassed) {
      print([{ name: 'write test', ok: false, detail: 'not run: fix the checks above first (it writes to the mailbox)' }]);
    } else {
      for (const mailbox of mailboxes) {
        if (io.signal?.aborted === true) break;
        if (!doctor.json) io.stdout.write(`write test in ${mailbox} (a hidden folder, removed afterwards):\n`);
        checks.push(
          ...(await runWriteTest({
            http: connection.http,
            mailbox,
            api: destination.api,
            inFlight: destination.inFlight,
            throttled: () => stats.mailbox(mailbox).throttled,
            signal: io.signal,
            onCheck: show,
          })),
        );
      }
    }
  }

  const failed = checks.filter((c) => !c.ok).length;
  if (doctor.json) {
    // mailboxMissing routes a missing mailbox's messages in an import; here its detail already says it.
    const shown = checks.map(({ mailboxMissing: _routing, mailboxRefused: _refused, mailbox: _which, ...check }) => check);
    io.stdout.write(`${JSON.stringify({ ok: failed === 0, checks: shown }, null, 2)}\n`);
  } else {
    io.stdout.write(failed === 0 ? 'All checks passed.\n' : `${failed} check(s) failed.\n`);
  }
  return failed === 0 ? ExitCode.ok : ExitCode.usage;
}
