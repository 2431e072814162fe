/** Hand-built report values for the renderer tests: two zips, a CJK folder, hostile subjects. */
import { emptyCounts, type Counts, type FolderReport, type MessageLine, type RunMode, type RunReport, type ZipReport } from '../../src/reports/model.js';

export function counts(partial: Partial<Counts>): Counts {
  return { ...emptyCounts(), ...partial };
}

export function line(partial: Partial<MessageLine> & Pick<MessageLine, 'entry'>): MessageLine {
  return {
    zip: 'ann.zip',
    folder: 'Inbox',
    target: 'inbox',
    subject: 'Hello',
    from: 'bob@example.com',
    date: '2021-03-04T05:06:07Z',
    dateSource: 'date',
    headerDefects: 0,
    messageId: `<${partial.entry}@example.com>`,
    fingerprint: `fp-${partial.entry}`,
    size: 1000,
    verdict: 'importable',
    rule: '',
    error: '',
    errorClass: '',
    state: 'pending',
    method: '',
    destinationId: '',
    collision: false,
    duplicateOf: '',
    ...partial,
  };
}

export const CJK_FOLDER = 'Inbox/受信トレイ/プロジェクト';

/** A dry run without a tenant imports nothing and finds nothing: every wanted message would be imported. */
function asDryRun(c: Counts): Counts {
  return { ...c, imported: 0, importedEarlier: 0, alreadyPresent: 0, failed: 0, pending: c.importable };
}

export function sampleReport(mode: RunMode = 'dry-run'): RunReport {
  const report = sampleImportReport(mode);
  if (mode === 'import') return report;
  return {
    ...report,
    totals: asDryRun(report.totals),
    zips: report.zips.map((z) => ({ ...z, totals: asDryRun(z.totals) })),
    folders: report.folders.map((f) => ({ ...f, ...asDryRun(f) })),
  };
}

function sampleImportReport(mode: RunMode): RunReport {
  const inbox: FolderReport = {
    zip: 'ann.zip', mailbox: 'ann@contoso.com', folder: 'Inbox',
    ...counts({ messages: 1000, importable: 950, spam: 40, duplicates: 10, collisions: 2, undated: 3, bytes: 1_100_000_000, imported: 900, alreadyPresent: 40, failed: 4, pending: 6 }),
  };
  const cjk: FolderReport = {
    zip: 'ann.zip', mailbox: 'ann@contoso.com', folder: CJK_FOLDER,
    ...counts({ messages: 234, importable: 234, calendar: 1, bytes: 300_000_000, imported: 234 }),
  };
  const bobTop: FolderReport = {
    zip: 'bob.zip', mailbox: 'bob@contoso.com', folder: '',
    ...counts({ messages: 66, importable: 50, spam: 16, unreadable: 3, bytes: 4_000_000, imported: 50 }),
  };
  const annTotals = counts({ messages: 1234, importable: 1184, spam: 40, duplicates: 10, collisions: 2, calendar: 1, undated: 3, bytes: 1_400_000_000, imported: 1134, alreadyPresent: 40, failed: 4, pending: 6 });
  const zips: ZipReport[] = [
    { zip: 'ann.zip', path: '/exports/ann.zip', mailbox: 'ann@contoso.com', archiveError: null, exportLogMismatches: ['export log lists 1,236 entries, the zip holds 1,235'], notes: ['seen before at /old/ann.zip: the same export, resumed from the ledger'], totals: annTotals },
    { zip: 'bob.zip', path: '/exports/bob.zip', mailbox: 'bob@contoso.com', archiveError: 'invalid central directory at offset 1234', exportLogMismatches: [], notes: [], totals: bobTop },
  ];
  return {
    mode,
    generatedAt: '2026-11-22T14:00:00.000Z',
    totals: counts({ messages: 1300, importable: 1234, spam: 56, duplicates: 10, collisions: 2, calendar: 1, undated: 3, unreadable: 3, bytes: 1_404_000_000, imported: 1184, alreadyPresent: 40, failed: 4, pending: 6 }),
    zips,
    folders: [inbox, cjk, bobTop],
    spamByRule: { 'x-spam-status': 40, 'junk-folder': 16 },
    messagesPerYear: { '2019': 100, '2021': 1000, '2020': 197, undated: 3 },
    methods: { 'simple-put': 1100, 'upload-session': 84 },
    missingMailboxes: [],
    datesBySource: { date: 1280, 'date-assumed-zone': 12, received: 5, none: 3 },
  };
}

export function sampleLines(): MessageLine[] {
  return [
    line({ entry: 'Inbox/1.eml', subject: 'Quarterly, "final" figures\nsecond line', state: 'imported', method: 'simple-put', destinationId: 'AAMk1' }),
    line({ entry: 'Inbox/2.eml', subject: '=HYPERLINK("http://evil.example","click")', state: 'failed', error: 'HTTP 400 ErrorInvalidRecipients' }),
    line({ entry: 'Inbox/3.eml', subject: '<script>alert(1)</script>', verdict: 'spam', rule: 'x-spam-status', state: 'skipped' }),
    line({ entry: 'Inbox/4.eml', fingerprint: 'fp-Inbox/1.eml', messageId: '<Inbox/1.eml@example.com>', verdict: 'duplicate', rule: 'duplicate', state: 'skipped', duplicateOf: 'ann.zip: Inbox/1.eml' }),
    line({ entry: 'Inbox/5.eml', fingerprint: 'fp-Inbox/1.eml', messageId: '', verdict: 'duplicate', rule: 'duplicate', state: 'skipped', duplicateOf: 'ann.zip: Inbox/1.eml' }),
    line({ entry: 'Inbox/6.eml', fingerprint: 'fp-Inbox/1.eml', messageId: '<other@example.com>', collision: true, state: 'imported', method: 'upload-session', destinationId: 'AAMk6' }),
    line({ zip: 'bob.zip', entry: 'broken.eml', folder: '', target: null, subject: '', from: '', date: '', messageId: '', fingerprint: '', verdict: 'unreadable', state: 'skipped', error: 'invalid compressed data <b>' }),
  ];
}
