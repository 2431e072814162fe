import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator/index.js';
import { runCli, type CliRun } from './run-cli.js';

/** The command-line arguments and environment that point eml-import at a running emulator. */
export function tenantArgs(emulator: Emulator, mailbox: string): string[] {
  return ['--tenant', emulator.tenant, '--client-id', emulator.clientId, '--authority-host', emulator.url, '--graph-url', emulator.url, '--mailbox', mailbox];
}

export function tenantEnv(emulator: Emulator, extra: Record<string, string> = {}): Record<string, string> {
  return { EML_IMPORT_CLIENT_SECRET: emulator.clientSecret, ...extra };
}

/** The real CLI in-process against the emulator, as `mailbox`'s import (or reconcile: put 'reconcile' first in `args`). */
export function runAgainst(emulator: Emulator, mailbox: string, args: readonly string[]): Promise<CliRun> {
  return runCli([...args, ...tenantArgs(emulator, mailbox), '--no-progress'], tenantEnv(emulator));
}

/**
 * An emulator and a work folder for the tests of one file (or describe block): started before them,
 * closed after. Read the fields inside the tests; they are set once the file's beforeAll has run.
 */
export function emulatorForTests(options: EmulatorOptions, name: string): { readonly emulator: Emulator; readonly work: string } {
  const held = {} as { emulator: Emulator; work: string };
  beforeAll(async () => {
    held.emulator = await startEmulator(options);
    held.work = mkdtempSync(join(tmpdir(), `eml-import-${name}-`));
  });
  afterAll(async () => {
    await held.emulator?.close();
  });
  return held;
}
