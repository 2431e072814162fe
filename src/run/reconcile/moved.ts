/**
 * A step after the comparison: a missing message whose copy the same report lists as unexpected in another
 * compared folder (same Message-ID, same subject) was moved there, by the user or a rule. It stays counted as
 * missing from its folder, but it is not lost: importing it again would put a second copy in the mailbox.
 * Pure: report in, report out.
 */
import { normalizeMessageId, subjectsAgree } from '../../message/fingerprint.js';
import type { MovedLine, ReconcileReport } from '../../reports/reconcile/model.js';

export function nameMovedMissing(report: ReconcileReport): ReconcileReport {
  const waiting = new Map<string, Array<ReconcileReport['unexpected'][number]>>();
  for (const d of report.unexpected) {
    const id = normalizeMessageId(d.internetMessageId);
    if (id === null) continue;
    const key = `${d.mailbox}\u0000${id}`;
    waiting.set(key, [...(waiting.get(key) ?? []), d]);
  }
  const moved: MovedLine[] = [];
  for (const s of report.missing) {
    const id = normalizeMessageId(s.messageId);
    if (id === null) continue;
    const list = waiting.get(`${s.mailbox}\u0000${id}`);
    const at = list ? list.findIndex((d) => d.target !== s.target && subjectsAgree(d.subject, s.subject)) : -1;
    if (!list || at < 0) continue;
    const [d] = list.splice(at, 1);
    if (d) moved.push({ source: s, folderPath: d.folderPath, destinationId: d.id });
  }
  if (moved.length === 0) return report;
  const warning = `${moved.length} of the missing messages are in another folder of their mailbox (moved by the user or a rule); importing them again would put a second copy in the mailbox`;
  return { ...report, moved, warnings: [...report.warnings, warning] };
}
