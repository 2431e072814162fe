/**
 * A step after the comparison: missing messages that the user's online archive holds are named "not in the
 * primary mailbox" (an archive policy moved them) rather than lost. They stay counted as missing, since the
 * import's folder does not hold them; the report says where they are.
 */
import { ClassifiedError } from '../../accounting/errors.js';
import type { MailboxDestination } from '../../destination/types.js';
import type { ReconcileReport, SourceLine } from '../../reports/reconcile/model.js';

export async function nameArchivedMissing(
  report: ReconcileReport,
  destinationFor: (upn: string) => MailboxDestination,
  log: (line: string) => void,
): Promise<ReconcileReport> {
  if (report.missing.length === 0) return report;
  const notInPrimary: SourceLine[] = [];
  const warnings: string[] = [];
  for (const mailbox of report.mailboxes) {
    const destination = destinationFor(mailbox);
    const missing = report.missing.filter((line) => line.mailbox === mailbox && line.messageId !== '');
    if (missing.length === 0 || destination.findInArchive === undefined) continue;
    try {
      const lookup = await destination.findInArchive([...new Set(missing.map((line) => line.messageId))]);
      if (lookup.kind === 'unknown') {
        warnings.push(`${mailbox}: could not look in the online archive (${lookup.reason}); missing messages an archive policy moved there look lost`);
        continue;
      }
      if (lookup.kind === 'none') continue;
      const here = missing.filter((line) => lookup.found.has(line.messageId));
      notInPrimary.push(...here);
      if (here.length > 0) {
        const sentence = `${mailbox}: ${here.length} of the missing messages are not in the primary mailbox but in its online archive (moved by an archive or retention policy)`;
        warnings.push(sentence);
        log(sentence);
      }
    } catch (error) {
      if (error instanceof ClassifiedError && error.errorClass === 'fatal') throw error;
      warnings.push(`${mailbox}: could not look in the online archive: ${(error as Error).message}`);
    }
  }
  return { ...report, notInPrimary, warnings: [...report.warnings, ...warnings] };
}
