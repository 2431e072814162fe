import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { runCli } from '../helpers/run-cli.js';

const version = (JSON.parse(readFileSync(resolve(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;

describe('command-line parsing', () => {
  it('prints help and the version with exit 0', async () => {
    const help = await runCli(['--help']);
    expect(help.status).toBe(0);
    for (const command of ['import', 'reconcile', 'doctor']) expect(help.stdout).toContain(command);
    expect(help.stdout).toContain('EML_IMPORT_CLIENT_SECRET');
    const v = await runCli(['--version']);
    expect(v.status).toBe(0);
    expect(v.stdout.trim()).toBe(version);
  });

  it('exits 2 on an unknown option, a missing zip argument and a bad --parallel, naming the problem', async () => {
    const unknown = await runCli(['a.zip', '--dry-run', '--frobnicate']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('--frobnicate');
    const noZips = await runCli(['import', '--dry-run']);
    expect(noZips.status).toBe(2);
    const parallel = await runCli(['a.zip', '--dry-run', '--parallel', '0']);
    expect(parallel.status).toBe(2);
    expect(parallel.stderr).toContain('--parallel');
    const both = await runCli(['a.zip', '--dry-run', '--mailbox', 'a@x.com', '--map', 'm.csv']);
    expect(both.status).toBe(2);
    expect(both.stderr).toContain('--map');
  });
});
