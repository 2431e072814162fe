/**
 * `reconcile --json` and reconcile.json: one object, stable field names, versioned. The list of present
 * pairs is left out (it is as long as the mailbox); the counts say how many there are.
 */
import { isComplete, type ReconcileReport } from './model.js';

export const RECONCILE_JSON_VERSION = 1;

export function reconcileJson(report: ReconcileReport): object {
  return {
    version: RECONCILE_JSON_VERSION,
    kind: 'reconcile',
    generatedAt: report.generatedAt,
    complete: isComplete(report),
    withLedger: report.withLedger,
    mailboxes: [...report.mailboxes],
    totals: { ...report.totals },
    folders: report.folders.map((f) => ({ ...f, sourceFolders: [...f.sourceFolders] })),
    missing: report.missing,
    unexpected: report.unexpected,
    drafts: report.drafts,
    ledgerImportedButAbsent: report.withLedger ? report.ledgerImportedButAbsent : null,
    importedButAltered: report.withLedger ? report.importedButAltered : null,
    warnings: [...report.warnings],
    ...(report.notInPrimary === undefined ? {} : { notInPrimary: report.notInPrimary }),
    ...(report.moved === undefined ? {} : { moved: report.moved }),
    ...(report.doubled === undefined ? {} : { doubled: report.doubled }),
  };
}

export function reconcileJsonText(report: ReconcileReport): string {
  return `${JSON.stringify(reconcileJson(report), null, 2)}\n`;
}
