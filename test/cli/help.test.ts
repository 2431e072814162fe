import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { editDistance } from '../../src/policy/edit-distance.js';
import { unknownCommandProblem } from '../../src/commands/command-word.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');

/** The option flags a help text lists, in order, under each group heading. */
function groups(help: string): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  let current: string[] | null = null;
  for (const line of help.split('\n')) {
    if (/^\S.*:$/.test(line)) {
      current = [];
      result[line.slice(0, -1)] = current;
    } else if (current && /^ {2}-/.test(line)) {
      current.push(line.trim().split(/\s+/)[0]!.replace(/,$/, ''));
    } else if (/^\S/.test(line)) {
      current = null;
    }
  }
  return result;
}

describe('--help of each command', () => {
  it("groups import's options as the README does, --dry-run first, with no default noise", async () => {
    const run = await runCli(['import', '--help']);
    expect(run.status).toBe(0);
    const g = groups(run.stdout);
    expect(Object.keys(g).filter((k) => k !== 'Arguments')).toEqual(['Reading the exports', 'The tenant', 'Output', 'Options']);
    expect(g['Reading the exports']?.[0]).toBe('--dry-run');
    expect(g['Reading the exports']).toContain('--include-folder');
    expect(g['The tenant']).toEqual(expect.arrayContaining(['--tenant', '--client-id', '--mailbox', '--map', '--api', '--parallel']));
    expect(g['Output']).toEqual(['--json', '--report', '--state', '--no-progress']);
    expect(run.stdout).not.toMatch(/\(default: (\[\]|false)\)/);
    expect(run.stdout).not.toContain('choices:');
  });

  it("shows reconcile only what applies, worded for a comparison: --keep-junk does not 'import' there", async () => {
    const run = await runCli(['reconcile', '--help']);
    expect(run.status).toBe(0);
    const g = groups(run.stdout);
    expect(Object.values(g).flat()).not.toContain('--dry-run');
    const keepJunk = run.stdout.split('\n').find((l) => l.includes('--keep-junk')) ?? '';
    expect(keepJunk).toBeTruthy();
    expect(keepJunk).not.toMatch(/\bimports?\b Junk/);
    expect(run.stdout).not.toMatch(/\(default: (\[\]|false)\)/);
  });

  it('shows doctor no source options and no --parallel, and offers --json', async () => {
    const run = await runCli(['doctor', '--help']);
    expect(run.status).toBe(0);
    const flags = Object.values(groups(run.stdout)).flat();
    for (const absent of ['--parallel', '--include-folder', '--keep-junk', '--headers-only', '--dry-run', '--report', '--state']) expect(flags).not.toContain(absent);
    expect(flags).toEqual(expect.arrayContaining(['--tenant', '--mailbox', '--map', '--json']));
    expect(run.stdout).not.toContain('<zips...>');
  });

  it('shows plan, report merge and export with their defaults in words, never as `(default: …)` noise', async () => {
    for (const args of [['plan', '--help'], ['report', 'merge', '--help'], ['export', '--help']]) {
      const run = await runCli(args);
      expect(run.status, args.join(' ')).toBe(0);
      expect(run.stdout, args.join(' ')).toContain('--help');
      expect(run.stdout, args.join(' ')).not.toMatch(/\(default: /);
    }
    const plan = await runCli(['plan', '--help']);
    expect(plan.stdout.replace(/\s+/g, ' ')).toContain('--parallel <n> mailboxes imported at once on each machine (default 4)');
  });

  it('a bare eml-import shows the help as --help does (stdout, exit 0), not an error about a missing argument', async () => {
    const run = await runCli([]);
    const help = await runCli(['--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Usage: eml-import');
    expect(run.stdout).toContain('reconcile');
    expect(run.stdout).toBe(help.stdout);
    expect(run.stderr).toBe('');
  });

  it('prints every error with one prefix: commander\'s, usage errors and problems found at start-up', async () => {
    const unknownOption = await runCli(['a.zip', '--dry-run', '--frobnicate']);
    expect(unknownOption.stderr).toMatch(/^eml-import: error: unknown option '--frobnicate'/);
    const badValue = await runCli(['a.zip', '--dry-run', '--cloud', 'mars']);
    expect(badValue.status).toBe(2);
    expect(badValue.stderr).toMatch(/^eml-import: error: --cloud is one of global, usgov, usgov-dod, china, not 'mars'/);
    const missing = await runCli(['no-such.zip', '--dry-run']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe('eml-import: error: no-such.zip: no such file\n');
    // An unreadable entry found while the run reads is an error too, printed the same way.
    const unreadable = await runCli([join(FIXTURES, 'corrupt.zip'), '--dry-run', '--no-progress']);
    const errors = unreadable.stderr.split('\n').filter((l) => /\berror\b/i.test(l));
    expect(errors.length).toBeGreaterThan(0);
    for (const line of errors) expect(line).toMatch(/^eml-import: error: /);
  });

  it('stops at a first word that looks like a command, naming the nearest one', async () => {
    for (const [word, expected] of [
      ['reconsile', "unknown command 'reconsile' (did you mean reconcile?)"],
      ['imprt', "unknown command 'imprt' (did you mean import?)"],
      ['docter', "unknown command 'docter' (did you mean doctor?)"],
    ] as const) {
      const run = await runCli([word, '--dry-run']);
      expect(run.status, word).toBe(2);
      expect(run.stderr, word).toContain(expected);
    }
    const bare = await runCli(['frobnicate', '--dry-run']);
    expect(bare.status).toBe(2);
    expect(bare.stderr).toContain("unknown command 'frobnicate' (the commands are");
  });
});

describe('telling a command word from a path', () => {
  const none = (): boolean => false;
  const commands = ['help', 'import', 'reconcile', 'doctor'];

  it('counts a swap of two letters as one edit', () => {
    expect(editDistance('reconsile', 'reconcile')).toBe(1);
    expect(editDistance('dcotor', 'doctor')).toBe(1);
    expect(editDistance('import', 'doctor')).toBeGreaterThan(2);
  });

  it('takes paths, zips and URIs for sources, and an existing file for a file whatever its name', () => {
    expect(unknownCommandProblem('exports/ann', commands, none)).toBeNull();
    expect(unknownCommandProblem('ann.ZIP', commands, none)).toBeNull();
    expect(unknownCommandProblem('s3://bucket/ann.zip', commands, none)).toBeNull();
    expect(unknownCommandProblem('reconcile', commands, none)).toBeNull();
    expect(unknownCommandProblem('reconsile', commands, () => true)).toBeNull();
    expect(unknownCommandProblem('--dry-run', commands, none)).toBeNull();
  });

  it('calls near misses of planned commands and bare words unknown commands', () => {
    expect(unknownCommandProblem('plan', commands, none)).toMatch(/^unknown command 'plan' \(the commands are/);
    expect(unknownCommandProblem('exprot', commands, none)).toMatch(/^unknown command 'exprot'/);
    expect(unknownCommandProblem('ann', commands, none)).toMatch(/^unknown command 'ann'/);
  });
});
