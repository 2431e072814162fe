/**
 * `npm run demo`: the whole job on the committed fixture exports, against the local Graph emulator:
 * a dry run, the import, a second run that resumes with nothing to do, and the reconciliation.
 * The CLI runs as a separate process, exactly as an admin would run it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { startEmulator } from '../test/emulator/index.js';

const root = resolve(import.meta.dirname, '..');
const fixtures = join(root, 'fixtures');
// The demo imports the exports the generator's manifest calls whole; the deliberately broken ones
// (corrupt entries, a truncated archive, an inconsistent export log) are for the tests.
const manifest = JSON.parse(readFileSync(join(fixtures, 'expected.json'), 'utf8')) as {
  zips: Record<string, { archiveError: string | null; entries: { verdict: string }[]; exportLogs?: { note: string }[] }>;
};
const zips = Object.entries(manifest.zips)
  .filter(([, zip]) => zip.archiveError === null && zip.entries.every((e) => e.verdict !== 'unreadable') && (zip.exportLogs ?? []).every((l) => l.note.startsWith('consistent')))
  .map(([name]) => join(fixtures, name));
const work = mkdtempSync(join(tmpdir(), 'eml-import-demo-'));
const mailbox = 'ann@contoso.onmicrosoft.com';

const emulator = await startEmulator({ mailboxes: [mailbox], latencyMs: { min: 5, max: 20 } });
const tenantArgs = ['--tenant', emulator.tenant, '--client-id', emulator.clientId, '--authority-host', emulator.url, '--graph-url', emulator.url, '--mailbox', mailbox];
const env = { ...process.env, NODE_EXTRA_CA_CERTS: emulator.caFile, EML_IMPORT_CLIENT_SECRET: emulator.clientSecret };

/** Runs the CLI as its own process; asynchronously, because the emulator answers from this one. */
async function step(title: string, args: string[]): Promise<number> {
  process.stdout.write(`\n=== ${title}\n$ eml-import ${args.map((a) => (a.includes(' ') ? `'${a}'` : a)).join(' ').replaceAll(fixtures + '/', 'fixtures/')}\n\n`);
  const status = await new Promise<number>((done) => {
    const child = spawn(process.execPath, [join(root, 'dist', 'cli.js'), ...args], { env, stdio: 'inherit' });
    child.on('exit', (code) => done(code ?? 2));
  });
  process.stdout.write(`\n(exit status ${status})\n`);
  return status;
}

try {
  process.stdout.write(`Fixture exports: ${zips.length} zips. Local Graph emulator: ${emulator.url}. Work folder: ${work}\n`);
  await step('1. Dry run: what an import would do (no tenant needed)', [...zips, '--dry-run', '--no-progress', '--report', join(work, 'dry-run')]);
  const first = await step('2. Import into the emulator', [...zips, ...tenantArgs, '--state', join(work, 'state'), '--report', join(work, 'import'), '--no-progress']);
  const second = await step('3. The same command again: resumes, nothing left to do', [...zips, ...tenantArgs, '--state', join(work, 'state'), '--no-progress']);
  const reconcile = await step('4. Reconcile: prove it', ['reconcile', ...zips, ...tenantArgs, '--state', join(work, 'state'), '--report', join(work, 'reconcile'), '--no-progress']);
  const messages = emulator.inspect.messages(mailbox);
  const drafts = messages.filter((m) => m.isDraft).length;
  process.stdout.write(`\nThe emulator's mailbox now holds ${messages.length} messages (${drafts} drafts).\n`);
  process.stdout.write(`Reports: ${join(work, 'dry-run', 'report.html')}, ${join(work, 'import', 'report.html')}, ${join(work, 'reconcile', 'reconcile.html')}\n`);
  process.exitCode = [first, second, reconcile].every((s) => s === 0) && drafts === 0 ? 0 : 1;
} finally {
  await emulator.close();
}
