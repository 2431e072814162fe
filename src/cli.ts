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
const controller = new AbortController();
process.on('SIGINT', () => {
  if (controller.signal.aborted) process.exit(130);
  process.stderr.write('\nstopping: no new reads or uploads; those in flight finish (Ctrl-C again to quit now; the ledger keeps every result)\n');
  controller.abort();
});

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  // Without a terminal (cron, CI, nohup) there is nobody to ask: the run says so at start-up, exit 2.
  promptSecret: process.stdin.isTTY ? promptSecret : undefined,
  signal: controller.signal,
});
