/** A dry run over a real zip says how its messages were dated and how many had header lines that are not fields. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { buildZip } from '../../fixtures/zip-writer.js';
import { runCli } from '../helpers/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'eml-import-dates-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const message = (lines: string[]): Buffer => Buffer.from([...lines, '', 'body', ''].join('\r\n'), 'latin1');

describe('eml-import --dry-run: date sources and header defects', () => {
  const zip = join(dir, 'ann.zip');
  writeFileSync(
    zip,
    buildZip([
      { name: 'Inbox/one-digit.eml', data: message(['Received: by mx; Mon, 27 May 2002 09:46:16 +0000', 'Date: Mon, 27 May 2002 10:28:3 +0200', 'Subject: a', 'Message-ID: <a@x>']) },
      { name: 'Inbox/windows-zone.eml', data: message(['Date: Mon, 27 May 2002 10:28:03 Eastern Daylight Time', 'Subject: b', 'Message-ID: <b@x>']) },
      { name: 'Inbox/no-zone.eml', data: message(['Date: Mon, 27 May 2002 10:28:03', 'Subject: c', 'Message-ID: <c@x>']) },
      { name: 'Inbox/no-date.eml', data: message(['Received: by mx; Mon, 27 May 2002 09:46:16 +0000', 'Subject: d', 'Message-ID: <d@x>']) },
      { name: 'Inbox/undated.eml', data: message(['Subject: e', 'Message-ID: <e@x>']) },
      // an mbox From line after the first field: Subject, Date and Message-ID come after it
      { name: 'Inbox/stray-from.eml', data: message(['Return-Path: <f@x>', 'From f@x  Sun Apr  5 09:24:45 2015', 'Subject: f', 'Date: Sun, 5 Apr 2015 09:24:45 +0000', 'Message-ID: <f@x>']) },
    ]),
  );

  it('counts per date source and header defects in report.json', async () => {
    const run = await runCli([zip, '--dry-run', '--json', '--no-progress']);
    expect(run.status).toBe(0);
    const json = JSON.parse(run.stdout) as { totals: Record<string, number>; datesBySource: Record<string, number> };
    expect(json.datesBySource).toEqual({ date: 3, 'date-assumed-zone': 1, received: 1, none: 1 });
    expect(json.totals['headerDefects']).toBe(1);
    expect(json.totals['undated']).toBe(1);
  });

  it('names each message\'s date source and header defects in messages.csv', async () => {
    const out = join(dir, 'report');
    const run = await runCli([zip, '--dry-run', '--no-progress', '--report', out]);
    expect(run.status).toBe(0);
    const rows = parse(readFileSync(join(out, 'messages.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    const byEntry = Object.fromEntries(rows.map((r) => [r['entry'], [r['dateSource'], r['headerDefects']]]));
    expect(byEntry).toEqual({
      'Inbox/one-digit.eml': ['date', '0'],
      'Inbox/windows-zone.eml': ['date', '0'],
      'Inbox/no-zone.eml': ['date-assumed-zone', '0'],
      'Inbox/no-date.eml': ['received', '0'],
      'Inbox/undated.eml': ['none', '0'],
      'Inbox/stray-from.eml': ['date', '1'],
    });
  });

  it('says it in one line of the summary', async () => {
    const run = await runCli([zip, '--dry-run', '--no-progress']);
    expect(run.stdout).toContain(
      'Dated: 3 from the Date header, 1 from the Date header, zone missing or unknown (read as UTC), 1 from Received (no readable Date header), 1 undated; 1 message with header lines that are not fields (read past)',
    );
  });
});
