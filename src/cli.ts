#!/usr/bin/env node
import { createInterface } from 'node:readline';
import { main } from './commands/cli.js';

/** Asks for the client secret without echoing it; offered only when a person is there to type it. */
async function promptSecret(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const output = rl as unknown as { _writeToOutput: (s: string) => void };
  process.stderr.write(question);
  output._writeToOutput = () => undefined;
  try {
    return await new Promise<string>((resolve) => rl.question('', resolve));
  } finally {
    rl.close();
    process.stderr.write('\n');
  }
}

// The first Ctrl-C stops reading zips and queuing uploads, lets the uploads in flight finish and writes
// the report of what was done (the ledger is safe either way); a second one ends the process at once.
// SIGTERM does the same: it is how Kubernetes (pod deleted, node drained), AWS Batch (job terminated) and
// `docker stop` ask a process to end. Without a handler, node running as the container's PID 1 ignores it,
// and the engine waited out its grace period to SIGKILL a run that could have finished its uploads and
// written its report.
const controller = new AbortController();
const stopOn = (signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP', exitCode: number, again: string): void => {
  process.on(signal, () => {
    if (controller.signal.aborted) process.exit(exitCode);
    try {
      process.stderr.write(`\nstopping (${signal}): no new reads or uploads; those in flight finish (${again}; the ledger keeps every result)\n`);
    } catch {
      // A terminal already gone (SIGHUP): the stop matters, not the sentence.
    }
    controller.abort();
  });
};
stopOn('SIGINT', 130, 'Ctrl-C again to quit now');
stopOn('SIGTERM', 143, 'a second SIGTERM quits now');
// A dropped SSH session sends SIGHUP: by default node died at once, leaving creates in flight (the re-run
// waits out their landing window) and no report. It stops as for SIGTERM; the terminal is gone, so what
// the run still prints has nowhere to go, and a write to it must not end the run.
process.once('SIGHUP', () => {
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
});
stopOn('SIGHUP', 129, 'a second SIGHUP quits now');

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  // Without a terminal (cron, CI, nohup) there is nobody to ask: the run says so at start-up, exit 2.
  promptSecret: process.stdin.isTTY ? promptSecret : undefined,
  signal: controller.signal,
});
