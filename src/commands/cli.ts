import { createRequire } from 'node:module';
import type * as Commander from 'commander';
import { addCommandOptions, readImportSettings } from './options.js';
import { unknownCommandProblem } from './command-word.js';
import { ExitCode } from '../accounting/exit-codes.js';
import { ERROR_PREFIX, UsageError, type CliIo } from './io.js';
import { ClassifiedError } from '../accounting/errors.js';
import { StateInUseError } from '../ledger/exclusive-lock.js';
import { StorageFailureError } from '../accounting/storage-failure.js';
import { SourceUnavailableError } from '../source/source-unavailable.js';
import { addExportOptions, readExportOptions } from './export-options.js';

// A CommonJS package, loaded with require() (README, Development: start-up).
const { Command, CommanderError } = createRequire(import.meta.url)('commander') as typeof Commander;

const EXAMPLES = `
Each command's options: eml-import import --help, eml-import reconcile --help, eml-import doctor --help.

Examples:
  eml-import ./exports/*.zip --dry-run --report ./report
  EML_IMPORT_CLIENT_SECRET=... eml-import ./exports/*.zip --tenant contoso.onmicrosoft.com \\
      --client-id 00000000-0000-0000-0000-000000000000 --mailbox ann@contoso.com
  eml-import reconcile ./exports/*.zip --tenant ... --client-id ... --map map.csv --report ./reconcile
  eml-import doctor --tenant ... --client-id ... --mailbox ann@contoso.com
  eml-import export --organization-id m-... --bucket B --prefix exports --kms-key arn:aws:kms:... \\
      --role arn:aws:iam::...:role/WorkMailExport --all --target-domain contoso.com --map-out map.csv
  eml-import plan 's3://workmail-exports/exports/*.zip' --map map.csv --parallel 32 --machines 4
  eml-import report merge ./reports/shard-* --out ./reports/estate

The client secret is read from EML_IMPORT_CLIENT_SECRET (or asked for), never from the command line.
Exit status: 0 all good, 1 something unreadable, failed or missing (see the report), 2 usage,
configuration or authentication error. A bare eml-import prints this help (exit 0).`;

/** The version in package.json, the same from src/ (tsx) and dist/ (built): both are two levels down. */
function packageVersion(): string {
  return (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
}

/**
 * The whole command line. Each command's module is loaded only when it runs: the Graph side pulls in
 * mailparser, and merely loading it measurably slows the dry run's zip loop (notes/libraries.md §3). Runs one command and returns its exit status; never calls process.exit, so
 * tests run it in-process with their own streams.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let status: number = ExitCode.ok;
  const output = {
    writeOut: (s: string) => void io.stdout.write(s),
    writeErr: (s: string) => void io.stderr.write(s),
    // commander's own messages start with 'error: '; ours get the same prefix in reportError below.
    // `--client-secret=…` is no option, and its value is a secret: the error names the option, not the value.
    outputError: (s: string, write: (s: string) => void) => write(s.replace(/^error: /, ERROR_PREFIX).replace(/(unknown option '-[^'=\s]*)=[^']*'/, "$1=…'")),
  };
  const program = new Command('eml-import')
    .version(packageVersion(), '-V, --version')
    .description('Import Amazon WorkMail export zips into Microsoft 365 mailboxes through Microsoft Graph.')
    .exitOverride()
    .configureOutput(output)
    .showHelpAfterError('(run eml-import --help for the commands)')
    .addHelpText('after', EXAMPLES);

  const importCommand = addCommandOptions(new Command('import'), 'import')
    .description('import the zips (the default command), or with --dry-run report what an import would do')
    .action(async (zips: string[], raw: Record<string, unknown>) => {
      const { runImport } = await import('./import.js');
      status = await runImport(readImportSettings(zips, raw), io);
    });
  const reconcileCommand = addCommandOptions(new Command('reconcile'), 'reconcile')
    .description('compare the exports with the destination, folder by folder and message by message (read-only)')
    .action(async (zips: string[], raw: Record<string, unknown>) => {
      const { runReconcileCommand } = await import('./reconcile.js');
      status = await runReconcileCommand(readImportSettings(zips, raw), io);
    });
  const doctorCommand = addCommandOptions(new Command('doctor'), 'doctor')
    .description('check the token, mailbox access and the permissions each upload method needs')
    .action(async (raw: Record<string, unknown>) => {
      const { runDoctor } = await import('./doctor.js');
      status = await runDoctor(readImportSettings([], raw), io, { writeTest: raw['writeTest'] === true, json: raw['json'] === true });
    });
  const exportCommand = addExportOptions(new Command('export'))
    .description("start WorkMail's mailbox export jobs (at most 10 at a time) and write the import's map of S3 zips")
    .action(async (raw: Record<string, unknown>) => {
      const { runExport } = await import('./export.js');
      status = await runExport(readExportOptions(raw), io);
    });
  const planCommand = addCommandOptions(new Command('plan'), 'plan')
    .description("how long the estate takes within Graph's limits, and how it splits over machines (reads only the zips' central directories)")
    .option('--mailbox <upn>', 'the destination mailbox for every zip')
    .option('--map <csv>', 'CSV with columns zip,mailbox (zip may be a glob) for many mailboxes')
    .option('--parallel <n>', 'mailboxes imported at once on each machine (default 4)')
    .option('--machines <m>', 'machines (shards) the estate is spread over (default 1)')
    .option('--latency-ms <ms>', 'assumed mean latency of one Graph request (default 300)')
    .option('--requests-per-message <n>', 'assumed Graph requests per message (default 1, importMime)')
    .option('--json', 'print the plan as one JSON object')
    .action(async (zips: string[], raw: Record<string, unknown>) => {
      const { runPlan, readPlanOptions } = await import('./plan.js');
      status = await runPlan(readPlanOptions(zips, raw), io);
    });
  const mergeCommand = new Command('merge')
    .description('combine shard report folders (each --report of a --shard run) into one estate report')
    .argument('<dirs...>', 'the shards\' report folders')
    .requiredOption('--out <dir>', 'where the estate report goes (report.json, CSVs, report.html)')
    .option('--json', 'print the estate report.json on stdout instead of the summary table')
    .action(async (dirs: string[], raw: Record<string, unknown>) => {
      const { runReportMerge } = await import('./report-merge.js');
      status = await runReportMerge({ dirs, out: String(raw['out']), json: raw['json'] === true }, io);
    });
  const reportCommand = new Command('report').description('work with report folders').addCommand(mergeCommand);
  for (const command of [importCommand, reconcileCommand, doctorCommand, exportCommand, planCommand, reportCommand, mergeCommand]) {
    command.exitOverride().configureOutput(output).showHelpAfterError(`(run eml-import ${command.name()} --help for its options)`);
  }
  program.addCommand(importCommand, { isDefault: true }).addCommand(reconcileCommand).addCommand(doctorCommand).addCommand(exportCommand).addCommand(planCommand).addCommand(reportCommand);

  // A bare `eml-import` is someone finding their way: the overview, as --help gives it, not an error about a
  // missing argument. Nothing is read or written, so it ends like --help (exit 0).
  if (argv.length === 0) {
    program.outputHelp();
    return ExitCode.ok;
  }
  const notACommand = unknownCommandProblem(argv[0]!, ['help', ...program.commands.map((c) => c.name())]);
  if (notACommand !== null) {
    io.stderr.write(`${ERROR_PREFIX}${notACommand}\n`);
    return ExitCode.usage;
  }

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return status;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    return reportError(error, io);
  }
}

/** Prints the error, a sentence or (for a bug) its stack, and returns the exit status it means. */
function reportError(error: unknown, io: CliIo): ExitCode {
  // A failing disk, or a zip whose bytes could not be had, is not the command line's fault: the run did
  // part of its work, and the same command goes on from there.
  if (error instanceof StorageFailureError || error instanceof SourceUnavailableError) {
    io.stderr.write(`${ERROR_PREFIX}${error.message}\n`);
    return ExitCode.incomplete;
  }
  if (error instanceof UsageError || error instanceof StateInUseError || (error instanceof ClassifiedError && error.errorClass === 'fatal')) {
    io.stderr.write(`${ERROR_PREFIX}${error.message}\n`);
    return ExitCode.usage;
  }
  // Anything else is a bug: the stack is what a bug report needs.
  io.stderr.write(`${ERROR_PREFIX}${(error as Error).stack ?? String(error)}\n`);
  return ExitCode.usage;
}
