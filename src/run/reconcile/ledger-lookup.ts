/**
 * What reconcile takes from the import's ledger, when there is one: each entry's state, and whether the
 * import mapped folders with the options reconcile was given. Reconcile never writes to it.
 */
import { basename } from 'node:path';
import { canonicalZipLocation } from '../../source/index.js';
import type { Ledger, MessageState } from '../../ledger/ledger.js';

/**
 * Looks an entry up by its zip's absolute path, else by the zip's file name (a ledger made elsewhere), and
 * its central-directory position (two entries of one zip may share a name).
 */
export type LedgerLookup = (zip: { readonly path: string }, entryIndex: number) => LedgerEntry | null;

export interface LedgerEntry {
  readonly state: MessageState;
  readonly destId: string | null;
}

export function ledgerEntries(ledger: Ledger): LedgerLookup {
  const zips = new Map(ledger.zips().map((z) => [z.id, z]));
  const byPath = new Map<string, LedgerEntry>();
  const byName = new Map<string, LedgerEntry | 'ambiguous'>();
  // Streamed, so that only the two lookup maps are held, not every row besides.
  for (const row of ledger.messages()) {
    const zip = zips.get(row.zipId);
    if (!zip) continue;
    const entry = { state: row.state, destId: row.destId };
    byPath.set(`${zip.path}\u0000${row.entryIndex}`, entry);
    // Two zips with one file name in different directories: the name alone cannot say which.
    const nameKey = `${zip.name}\u0000${row.entryIndex}`;
    byName.set(nameKey, byName.has(nameKey) ? 'ambiguous' : entry);
  }
  return (zip, entryIndex) => {
    const exact = byPath.get(`${canonicalZipLocation(zip.path)}\u0000${entryIndex}`);
    if (exact !== undefined) return exact;
    const named = byName.get(`${basename(zip.path)}\u0000${entryIndex}`);
    return named === undefined || named === 'ambiguous' ? null : named;
  };
}

/**
 * Differences between the mapping options the import stored (meta 'mapping', JSON) and this run's, one
 * line per option. A difference means reconcile looks for messages in other folders than the import used.
 */
export function mappingDifferences(stored: string | null, current: string | undefined): string[] {
  if (stored === null || current === undefined || stored === current) return [];
  let before: Record<string, unknown>;
  let now: Record<string, unknown>;
  try {
    before = JSON.parse(stored) as Record<string, unknown>;
    now = JSON.parse(current) as Record<string, unknown>;
  } catch {
    return [`the ledger's mapping options (${stored}) differ from this run's (${current})`];
  }
  const keys = [...new Set([...Object.keys(before), ...Object.keys(now)])].sort();
  return keys
    .filter((k) => JSON.stringify(before[k] ?? null) !== JSON.stringify(now[k] ?? null))
    .map((k) => `${k}: the import used ${JSON.stringify(before[k] ?? null)}, reconcile was given ${JSON.stringify(now[k] ?? null)}`);
}
