import { describe, expect, it } from 'vitest';
import { notLanded } from '../../src/export/not-landed.js';
import type { ExportJobRow } from '../../src/export/job-store.js';
import type { NotLandedCause } from '../../src/export/wait-for-exports.js';

const row = { zip: 's3://exports/2026/job-1.zip', mailbox: 'bob@contoso.com' };

function job(state: ExportJobRow['state'], startedAt: string | null = '2026-12-06T08:00:00.000Z'): ExportJobRow {
  return {
    id: 1, organizationId: 'm-1', userId: 'u-1', email: 'bob@example.awsapps.com', target: row.mailbox, clientToken: 't', jobId: 'job-1', state,
    bucket: 'exports', prefix: '2026', s3Path: 'exports/2026/job-1.zip', s3Uri: row.zip, errorInfo: state === 'FAILED' ? 'The mailbox is on legal hold.' : null,
    estimatedProgress: 40, requestedAt: '2026-12-06T07:59:00.000Z', startedAt, endedAt: null, updatedAt: '2026-12-06T09:00:00.000Z',
  };
}

const at = (j: ExportJobRow | null, cause: NotLandedCause, now = '2026-12-06T12:00:00.000Z') => notLanded({ row, job: j, reason: 'why', cause }, new Date(now));

describe('the next step for an export that did not land', () => {
  it('names when WorkMail allows the next export of a failed job, counted from its StartTime', () => {
    const entry = at(job('FAILED'), 'job-ended');
    expect(entry).toMatchObject({ mailbox: row.mailbox, zip: row.zip, user: 'bob@example.awsapps.com', jobId: 'job-1', state: 'FAILED', errorInfo: 'The mailbox is on legal hold.' });
    expect(entry.next).toContain('fix what WorkMail says went wrong, then run eml-import export again, which starts a new job for bob@example.awsapps.com from 2026-12-07T08:00:00.000Z');
  });

  it('says now once 24 hours have passed, and counts from the request when WorkMail gave no StartTime', () => {
    expect(at(job('FAILED'), 'job-ended', '2026-12-07T08:00:00.000Z').next).toContain('starts a new job for bob@example.awsapps.com now');
    expect(at(job('CANCELLED', null), 'job-ended').next).toMatch(/^the job was cancelled, .* from 2026-12-07T07:59:00\.000Z/);
  });

  it('gives each other cause its own step', () => {
    expect(at(job('REFUSED', null), 'job-ended').next).toContain('is enabled and has a mailbox');
    expect(at(job('COMPLETED'), 'not-written').next).toContain('lifecycle rule');
    expect(at(null, 'no-job').next).toContain('so that a job writes this zip, or correct the map row');
    expect(at(job('RUNNING'), 'cannot-check').next).toContain('keeps S3 from answering');
    expect(at(null, 'no-job')).toMatchObject({ user: null, jobId: null, state: null, errorInfo: null });
  });
});
