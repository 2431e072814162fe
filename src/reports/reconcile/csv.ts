/**
 * The CSVs of a reconcile report. Subjects, folder names and Message-IDs come from the mail or the
 * destination, so every cell goes through the same formula guard as the import's CSVs.
 */
import { csvRecord } from '../csv.js';
import type { DestinationLine, LeftoverDraft, SourceLine } from './model.js';

function toCsv(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  return [header, ...rows].map(csvRecord).join('');
}

/** missing.csv: what the export holds and the destination lacks, named so it can be found in the zip. */
export function missingCsv(lines: readonly SourceLine[]): string {
  return toCsv(
    ['zip', 'entry', 'folder', 'subject', 'date', 'Message-ID', 'mailbox', 'target', 'ledgerState', 'ledgerDestinationId'],
    lines.map((l) => [l.zip, l.entry, l.folder, l.subject, l.date, l.messageId, l.mailbox, l.target, l.ledgerState, l.ledgerDestinationId]),
  );
}

/** unexpected.csv: what the destination folder holds that no exported message accounts for. */
export function unexpectedCsv(lines: readonly DestinationLine[]): string {
  return toCsv(
    ['folder', 'subject', 'sentDateTime', 'internetMessageId', 'destinationId', 'mailbox', 'target'],
    lines.map((l) => [l.folderPath, l.subject, l.sentDateTime, l.internetMessageId, l.id, l.mailbox, l.target]),
  );
}

/** drafts.csv: copies left in Drafts by an interrupted upload, with the exported message each resembles. */
export function draftsCsv(lines: readonly LeftoverDraft[]): string {
  return toCsv(
    ['mailbox', 'subject', 'sentDateTime', 'internetMessageId', 'destinationId', 'matchedBy', 'zip', 'entry', 'folder', 'target'],
    lines.map((l) => [l.mailbox, l.subject, l.sentDateTime, l.internetMessageId, l.id, l.matchedBy, l.source.zip, l.source.entry, l.source.folder, l.source.target]),
  );
}
