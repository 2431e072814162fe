import { describe, expect, it } from 'vitest';
import { exportObjectUri, parseS3Uri } from '../../src/export/s3-location.js';
import { nextStep, MAILBOX_COOLDOWN_MS } from '../../src/export/next-step.js';
import { parseRenames, rewriteAddress } from '../../src/export/address-rewrite.js';
import { parseUserList, selectUsers, type WorkMailUser } from '../../src/export/select-users.js';
import type { ExportJobRow, ExportJobState } from '../../src/export/job-store.js';

describe('exportObjectUri', () => {
  it('reads S3Path as a key or as bucket/key, telling them apart by the prefix', () => {
    expect(exportObjectUri('b', 'exports/2026', 'exports/2026/j1.zip')).toBe('s3://b/exports/2026/j1.zip');
    expect(exportObjectUri('b', 'exports/2026', 'b/exports/2026/j1.zip')).toBe('s3://b/exports/2026/j1.zip');
    expect(exportObjectUri('exports', 'exports/2026', 'exports/exports/2026/j1.zip')).toBe('s3://exports/exports/2026/j1.zip');
    expect(exportObjectUri('exports', 'exports/2026', 'exports/2026/j1.zip')).toBe('s3://exports/exports/2026/j1.zip');
    expect(exportObjectUri('b', 'p', 's3://other/p/j.zip')).toBe('s3://other/p/j.zip');
    // A bucket whose name starts with the prefix, or is the prefix: bucket/key is still read as bucket/key.
    expect(exportObjectUri('exports-acme', 'exports', 'exports-acme/exports/j1.zip')).toBe('s3://exports-acme/exports/j1.zip');
    expect(exportObjectUri('exports', 'exports', 'exports/exports/j1.zip')).toBe('s3://exports/exports/j1.zip');
    expect(exportObjectUri('exports', 'exports', 'exports/j1.zip')).toBe('s3://exports/exports/j1.zip');
    expect(parseS3Uri('s3://b/k/x.zip')).toEqual({ bucket: 'b', key: 'k/x.zip' });
    expect(parseS3Uri('/local/x.zip')).toBeNull();
  });
});

function row(state: ExportJobState, hoursAgo: number, extra: Partial<ExportJobRow> = {}): ExportJobRow {
  const at = new Date(Date.parse('2026-12-06T12:00:00Z') - hoursAgo * 3_600_000).toISOString();
  return {
    id: 1, organizationId: 'm-x', userId: 'u', email: 'a@x.com', target: 'a@y.com', clientToken: 't', jobId: state === 'REQUESTED' || state === 'REFUSED' ? null : 'j',
    state, bucket: 'b', prefix: 'p', s3Path: null, s3Uri: null, errorInfo: null, estimatedProgress: null, requestedAt: at, startedAt: at, endedAt: null, updatedAt: at, ...extra,
  };
}

describe('nextStep', () => {
  const now = new Date('2026-12-06T12:00:00Z');
  it('follows the one-export-per-24-hours rule', () => {
    expect(nextStep([], now, { reExport: false }).kind).toBe('start');
    expect(nextStep([row('REQUESTED', 0)], now, { reExport: false }).kind).toBe('resend');
    expect(nextStep([row('RUNNING', 1)], now, { reExport: false }).kind).toBe('follow');
    expect(nextStep([row('COMPLETED', 30)], now, { reExport: false }).kind).toBe('done');
    expect(nextStep([row('COMPLETED', 30)], now, { reExport: true }).kind).toBe('start');
    expect(nextStep([row('COMPLETED', 2)], now, { reExport: true })).toMatchObject({ kind: 'done', again: new Date(now.getTime() - 2 * 3_600_000 + MAILBOX_COOLDOWN_MS) });
    expect(nextStep([row('FAILED', 23)], now, { reExport: false })).toMatchObject({ kind: 'wait-24h', allowedAt: new Date(now.getTime() + 3_600_000) });
    expect(nextStep([row('FAILED', 25)], now, { reExport: false }).kind).toBe('start');
    expect(nextStep([row('CANCELLED', 1)], now, { reExport: false }).kind).toBe('wait-24h');
    // A refusal is no job: the last real job decides.
    expect(nextStep([row('REFUSED', 0), row('COMPLETED', 3)], now, { reExport: false }).kind).toBe('done');
    expect(nextStep([row('REFUSED', 0)], now, { reExport: false }).kind).toBe('start');
  });
});

describe('address rewriting', () => {
  it('renames first, then changes the domain', () => {
    const renames = parseRenames([{ from: 'Ann@Old.example', to: 'anna.berg@contoso.com' }], 'rename.csv');
    expect(rewriteAddress('ann@old.example', { renames, targetDomain: 'contoso.com' })).toBe('anna.berg@contoso.com');
    expect(rewriteAddress('bob@old.example', { renames, targetDomain: 'contoso.com' })).toBe('bob@contoso.com');
    expect(rewriteAddress('bob@old.example', { renames, targetDomain: null })).toBe('bob@old.example');
  });
  it('names the file and row of a bad rename', () => {
    expect(() => parseRenames([{ from: 'a@x.com', to: 'b@y.com' }, { from: 'c@x.com', to: 'not-an-address' }], 'rename.csv')).toThrow("rename.csv: row 3: 'not-an-address' is not an email address");
    expect(() => parseRenames([{ from: 'a@x.com', to: 'b@y.com' }, { from: 'A@x.com', to: 'c@y.com' }], 'rename.csv')).toThrow('renamed twice');
  });
});

describe('user selection', () => {
  const users: WorkMailUser[] = [
    { id: 'id-1', email: 'ann@x.com', name: 'ann', state: 'ENABLED', role: 'USER' },
    { id: 'id-2', email: 'bob@x.com', name: 'bob', state: 'DISABLED', role: 'USER' },
    { id: 'id-3', email: null, name: 'svc', state: 'ENABLED', role: 'SYSTEM_USER' },
    { id: 'id-4', email: 'room@x.com', name: 'room', state: 'ENABLED', role: 'RESOURCE' },
  ];
  it('--all takes every enabled user with a mailbox and says why it skips the rest', () => {
    const all = selectUsers(users, null);
    expect(all.users.map((u) => u.id)).toEqual(['id-1', 'id-4']);
    expect(all.skipped.map((s) => s.reason)).toEqual(['is disabled', 'has no email address (no mailbox)']);
  });
  it('named users by email, name or id, once each; unknown and disabled ones reported', () => {
    const named = selectUsers(users, ['ANN@x.com', 'id-1', 'bob', 'carol']);
    expect(named.users.map((u) => u.id)).toEqual(['id-1']);
    expect(named.unknown).toEqual(['carol']);
    expect(named.unexportable).toEqual([{ name: 'bob', reason: 'is disabled' }]);
    expect(parseUserList('ann@x.com\n# comment\n\n bob # trailing\n')).toEqual(['ann@x.com', 'bob']);
  });
});
