import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { runCli } from '../helpers/run-cli.js';
import { message, writeZip } from '../helpers/make-zip.js';
import { tenantArgs, tenantEnv } from '../helpers/tenant.js';

const ANN = 'ann@contoso.onmicrosoft.com';
const LIMITED_APP = '99999999-2222-4333-8444-555555555555';
const LIMITED_SECRET = 'limited-app-secret-value-0123456789abcdef';

let emulator: Emulator;
let work: string;

beforeAll(async () => {
  emulator = await startEmulator({ mailboxes: [ANN] });
  // A second app registration that was granted Mail.ReadWrite only (no Mail-Advanced.ReadWrite.All).
  emulator.configure({
    clients: {
      [emulator.clientId]: { secret: emulator.clientSecret, certificate: { certificatePem: emulator.certificate.certificatePem }, roles: ['Mail.ReadWrite', 'Mail-Advanced.ReadWrite.All'] },
      [LIMITED_APP]: { secret: LIMITED_SECRET, roles: ['Mail.ReadWrite'] },
    },
  });
  work = mkdtempSync(join(tmpdir(), 'eml-import-doctor-'));
});

afterAll(async () => {
  await emulator?.close();
});

describe('eml-import doctor', () => {
  it('passes every check with good credentials and never prints the secret', async () => {
    const run = await runCli(['doctor', ...tenantArgs(emulator, ANN)], tenantEnv(emulator));
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('All checks passed.');
    expect(run.stdout + run.stderr).not.toContain(emulator.clientSecret);
  });

  it('works with a certificate credential', async () => {
    const pem = join(work, 'app.pem');
    writeFileSync(pem, emulator.certificate.privateKeyPem + emulator.certificate.certificatePem);
    const run = await runCli(['doctor', ...tenantArgs(emulator, ANN), '--certificate', pem], {});
    expect(run.status, run.stdout + run.stderr).toBe(0);
  });

  it('says to use the Value when the secret looks like the secret ID', async () => {
    const run = await runCli(['doctor', ...tenantArgs(emulator, ANN)], { EML_IMPORT_CLIENT_SECRET: '3f2504e0-4f89-11d3-9a0c-0305e82c3301' });
    expect(run.status).toBe(2);
    expect(run.stdout).toMatch(/AADSTS7000215/);
    expect(run.stdout).toMatch(/secret's ID/);
  });

  it('names the missing permission, and --api v1.0 needs only Mail.ReadWrite', async () => {
    const args = ['doctor', '--tenant', emulator.tenant, '--client-id', LIMITED_APP, '--authority-host', emulator.url, '--graph-url', emulator.url, '--mailbox', ANN];
    const beta = await runCli(args, { EML_IMPORT_CLIENT_SECRET: LIMITED_SECRET });
    expect(beta.status).toBe(2);
    expect(beta.stdout).toMatch(/FAIL permission Mail-Advanced\.ReadWrite\.All/);
    const v1 = await runCli([...args, '--api', 'v1.0'], { EML_IMPORT_CLIENT_SECRET: LIMITED_SECRET });
    expect(v1.status, v1.stdout).toBe(0);
  });

  it('says when a mailbox does not exist, and an import stops with exit 2 before touching anything', async () => {
    const doctor = await runCli(['doctor', ...tenantArgs(emulator, 'nobody@contoso.onmicrosoft.com')], tenantEnv(emulator));
    expect(doctor.status).toBe(2);
    expect(doctor.stdout).toContain('nobody@contoso.onmicrosoft.com');
    expect(doctor.stdout).toMatch(/does not exist/);
    const zip = await writeZip(join(work, 'a.zip'), [{ name: 'Inbox/1.eml', content: message({ subject: 'x', messageId: '<x@x>' }) }]);
    const before = emulator.inspect.requests().length;
    const run = await runCli([zip, ...tenantArgs(emulator, 'nobody@contoso.onmicrosoft.com'), '--state', join(work, 'state'), '--no-progress'], tenantEnv(emulator));
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/does not exist/);
    expect(emulator.inspect.requests().slice(before).filter((r) => r.method !== 'GET' && !r.path.includes('/oauth2/'))).toEqual([]);
  });

  it('refuses an http authority and a missing secret with exit 2', async () => {
    const http = await runCli(['doctor', '--tenant', emulator.tenant, '--client-id', emulator.clientId, '--authority-host', 'http://127.0.0.1:1', '--mailbox', ANN], tenantEnv(emulator));
    expect(http.status).toBe(2);
    expect(http.stderr).toContain('--authority-host');
    const noSecret = await runCli(['doctor', ...tenantArgs(emulator, ANN)], {});
    expect(noSecret.status).toBe(2);
    expect(noSecret.stderr).toContain('EML_IMPORT_CLIENT_SECRET');
  });

  it('with --json prints one JSON object on stdout with each check, and nothing else there', async () => {
    const good = await runCli(['doctor', ...tenantArgs(emulator, ANN), '--json'], tenantEnv(emulator));
    expect(good.status, good.stderr).toBe(0);
    const passed = JSON.parse(good.stdout) as { ok: boolean; checks: Array<{ name: string; ok: boolean; detail: string }> };
    expect(passed.ok).toBe(true);
    expect(passed.checks.length).toBeGreaterThan(2);
    expect(passed.checks.every((c) => c.ok && typeof c.name === 'string' && typeof c.detail === 'string')).toBe(true);
    const bad = await runCli(['doctor', ...tenantArgs(emulator, 'nobody@contoso.onmicrosoft.com'), '--json'], tenantEnv(emulator));
    expect(bad.status).toBe(2);
    const failed = JSON.parse(bad.stdout) as typeof passed;
    expect(failed.ok).toBe(false);
    expect(failed.checks.find((c) => !c.ok)?.detail).toMatch(/does not exist/);
    // What a script reads: the check's own fields, not the import's internal note for a missing mailbox.
    for (const check of failed.checks) expect(Object.keys(check)).not.toContain('mailboxMissing');
    expect(good.stdout + bad.stdout).not.toContain(emulator.clientSecret);
  });

  it('takes no source options and no --parallel', async () => {
    for (const extra of [['--parallel', '2'], ['--include-folder', 'Inbox']]) {
      const run = await runCli(['doctor', ...tenantArgs(emulator, ANN), ...extra], tenantEnv(emulator));
      expect(run.status, extra[0]).toBe(2);
      expect(run.stderr, extra[0]).toMatch(/^eml-import: error: unknown option/);
    }
  });
});
