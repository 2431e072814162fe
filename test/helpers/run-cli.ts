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
    env: { EML_IMPORT_PROGRESS_INTERVAL_MS: '60000', ...env },
  });
  return { status, stdout, stderr };
}
