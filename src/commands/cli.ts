import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { addOutputOptions, addSourceOptions, addTenantOptions, readImportOptions } from './options.js';
import { ExitCode } from '../accounting/exit-codes.js';
import { UsageError, type CliIo } from './io.js';
import { ClassifiedError } from '../accounting/errors.js';

const EXAMPLES = `
Examples:
  eml-import ./exports/*.zip --dry-run --report ./report
  EML_IMPORT_CLIENT_SECRET=... eml-import ./exports/*.zip --tenant contoso.onmicrosoft.com \\
      --client-id 00000000-0000-0000-0000-000000000000 --mailbox ann@contoso.com
  eml-import reconcile ./exports/*.zip --tenant ... --client-id ... --map map.csv --report ./reconcile
  eml-import doctor --tenant ... --client-id ... --mailbox ann@contoso.com
  eml-import plan ./exports/*.zip --map map.csv --parallel 32 --machines 4
  eml-import report merge ./reports/shard-* --out ./reports/estate

The client secret is read from EML_IMPORT_CLIENT_SECRET (or asked for), never from the command line.
Exit status: 0 all good, 1 something unreadable, failed or missing (see the report), 2 usage,
configuration or authentication error.`;

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
  const program = new Command('eml-import')
    .version(packageVersion(), '-V, --version')
    .description('Import Amazon WorkMail export zips into Microsoft 365 mailboxes through Microsoft Graph.')
    .exitOverride()
    .configureOutput({ writeOut: (s) => void io.stdout.write(s), writeErr: (s) => void io.stderr.write(s) })
    .showHelpAfterError('(run eml-import --help for every option)')
    .addHelpText('after', EXAMPLES);

  const importCommand = addOutputOptions(addTenantOptions(addSourceOptions(new Command('import'))))
    .description('import the zips (the default command), or with --dry-run report what an import would do')
    .option('--dry-run', 'read and classify everything, change nothing; no tenant needed', false)
    .action(async (zips: string[], raw: Record<string, unknown>) => {
      const { runImport } = await import('./import.js');
      status = await runImport(readImportOptions(zips, raw), io);
    });
  const reconcileCommand = addOutputOptions(addTenantOptions(addSourceOptions(new Command('reconcile'))))
    .description('compare the exports with the destination, folder by folder and message by message (read-only)')
    .action(async (zips: string[], raw: Record<string, unknown>) => {
      const { runReconcileCommand } = await import('./reconcile.js');
      status = await runReconcileCommand(readImportOptions(zips, raw), io);
    });
  const doctorCommand = addTenantOptions(new Command('doctor'))
    .description('check the token, mailbox access and the permissions each upload method needs')
    .action(async (raw: Record<string, unknown>) => {
      const { runDoctor } = await import('./doctor.js');
      status = await runDoctor(readImportOptions([], raw), io);
    });
  const planCommand = new Command('plan')
    .description("how long the estate takes within Graph's limits, and how it splits over machines (reads only the zips' central directories)")
    .argument('<zips...>', 'WorkMail export zips (shell globs are fine)')
    .option('--mailbox <upn>', 'the destination mailbox for every zip')
    .option('--map <csv>', 'CSV with columns zip,mailbox (zip may be a glob) for many mailboxes')
    .option('--parallel <n>', 'mailboxes imported at once on each machine', '4')
    .option('--machines <m>', 'machines (shards) the estate is spread over', '1')
    .option('--latency-ms <ms>', "assumed mean latency of one Graph request", '300')
    .option('--requests-per-message <n>', 'assumed Graph requests per message (1 for importMime)', '1')
    .option('--json', 'print the plan as one JSON object', false)
    .action(async (zips: string[], raw: Record<string, unknown>) => {
      const { runPlan, readPlanOptions } = await import('./plan.js');
      status = await runPlan(readPlanOptions(zips, raw), io);
    });
  const mergeCommand = new Command('merge')
    .description('combine shard report folders (each --report of a --shard run) into one estate report')
    .argument('<dirs...>', 'the shards\' report folders')
    .requiredOption('--out <dir>', 'where the estate report goes (report.json, CSVs, report.html)')
    .option('--json', 'print the estate report.json on stdout instead of the summary table', false)
    .action(async (dirs: string[], raw: Record<string, unknown>) => {
      const { runReportMerge } = await import('./report-merge.js');
      status = await runReportMerge({ dirs, out: String(raw['out']), json: raw['json'] === true }, io);
    });
  const reportCommand = new Command('report').description('work with report folders').addCommand(mergeCommand);
  for (const command of [importCommand, reconcileCommand, doctorCommand, planCommand, reportCommand, mergeCommand]) {
    command.exitOverride().configureOutput({ writeOut: (s) => void io.stdout.write(s), writeErr: (s) => void io.stderr.write(s) });
  }
  program.addCommand(importCommand, { isDefault: true }).addCommand(reconcileCommand).addCommand(doctorCommand).addCommand(planCommand).addCommand(reportCommand);

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return status;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    if (error instanceof UsageError || (error instanceof ClassifiedError && error.errorClass === 'fatal')) {
      io.stderr.write(`eml-import: ${error.message}\n`);
      return ExitCode.usage;
    }
    io.stderr.write(`eml-import: ${(error as Error).stack ?? String(error)}\n`);
    return ExitCode.usage;
  }
}
