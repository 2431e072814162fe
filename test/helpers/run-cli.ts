import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { main } from '../../src/commands/cli.js';

const root = resolve(import.meta.dirname, '..', '..');

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

/**
 * The real CLI as a child process (so it can be SIGKILLed as a crash would end it), with `env` added to
 * this process's; killed with SIGKILL once `killWhen` says so, unless it ends first.
 */
export function runCliChild(args: readonly string[], env: Record<string, string>, killWhen: (() => boolean) | null): Promise<{ status: number | null; killed: boolean; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli.ts'), ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    let killed = false;
    const timer = killWhen === null ? null : setInterval(() => {
      if (killed || !killWhen()) return;
      killed = true;
      child.kill('SIGKILL');
    }, 2);
    child.on('exit', (status) => {
      if (timer) clearInterval(timer);
      done({ status, killed, stderr });
    });
  });
}
