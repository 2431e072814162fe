import { main } from '../../src/commands/cli.js';

export interface CliRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real CLI in-process with captured streams; nothing is mocked below `main`. */
export async function runCli(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const status = await main(args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    // A fixed day before 31 December 2026, so date-switched rules judge the same whenever the tests run.
    env: { EML_IMPORT_PROGRESS_INTERVAL_MS: '60000', EML_IMPORT_TODAY: '2026-12-06', ...env },
  });
  return { status, stdout, stderr };
}
