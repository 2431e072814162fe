import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { message, writeZip } from '../helpers/make-zip.js';
import { runCli } from '../helpers/run-cli.js';
import { tenantArgs, tenantEnv } from '../helpers/tenant.js';

const ANN = 'ann@contoso.onmicrosoft.com';
let emulator: Emulator;
let work: string;

beforeAll(async () => {
  emulator = await startEmulator({ mailboxes: [ANN], faults: { retryAfterSeconds: 2, schedule: [{ kind: '429-too-many-requests', nth: 1, method: 'POST', path: /importMime$/ }] } });
  work = mkdtempSync(join(tmpdir(), 'eml-import-attempt-'));
});
afterAll(async () => {
  await emulator?.close();
});

describe('when a create went out', () => {
  it('is the time it was actually sent, after waiting out a Retry-After, not when it was marked in flight', async () => {
    const zip = await writeZip(join(work, 'ann.zip'), [{ name: 'export-1/Inbox/1.eml', content: message({ subject: 'Waited', messageId: '<waited@x>' }) }]);
    const state = join(work, 'state');
    const run = await runCli([zip, ...tenantArgs(emulator, ANN), '--state', state, '--json', '--no-progress'], tenantEnv(emulator));
    expect(run.status, run.stderr).toBe(0);
    expect(emulator.inspect.messages(ANN)).toHaveLength(1);
    const db = new Database(join(state, 'state.db'), { readonly: true });
    const row = db.prepare(`SELECT id, attempt_at AS attemptAt FROM messages WHERE state = 'imported'`).get() as { id: number; attemptAt: string };
    const marked = db.prepare(`SELECT at FROM events WHERE message = ? AND state = 'in_flight' ORDER BY id LIMIT 1`).get(row.id) as { at: string };
    db.close();
    // The first send was answered 429 with Retry-After: 2; the one that created the message went ~2 s later.
    expect(Date.parse(row.attemptAt) - Date.parse(marked.at)).toBeGreaterThanOrEqual(1_500);
  });
});
