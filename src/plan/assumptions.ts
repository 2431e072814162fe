/**
 * What the plan assumes about Graph and about this run. Graph's limits are per app and mailbox; latency and
 * requests per message come from options, because they vary by tenant and by upload method.
 */
export interface PlanAssumptions {
  /** Mean time from sending a request to its answer, ms. */
  readonly latencyMs: number;
  /** Graph requests per message: 1 for importMime; the JSON path adds one per attachment. */
  readonly requestsPerMessage: number;
  /** Outlook's limits (the same values as the importer's governor). */
  readonly concurrency: number;
  readonly requestsPerWindow: number;
  readonly requestWindowMs: number;
  /** Request body bytes (base64 for importMime) per window. */
  readonly bytesPerWindow: number;
  readonly bytesWindowMs: number;
}

export const DEFAULT_ASSUMPTIONS: PlanAssumptions = {
  latencyMs: 300,
  requestsPerMessage: 1,
  concurrency: 4,
  requestsPerWindow: 10_000,
  requestWindowMs: 600_000,
  bytesPerWindow: 150 * 1024 * 1024,
  bytesWindowMs: 300_000,
};

/** importMime sends the MIME bytes base64-encoded: 4 bytes for every 3. */
export function uploadBytesOf(messageBytes: number): number {
  return Math.ceil((messageBytes * 4) / 3);
}

/** The assumptions in one sentence, printed with every plan so nobody reads the numbers without them. */
export function describeAssumptions(a: PlanAssumptions): string {
  return (
    `${a.latencyMs} ms per request, ${a.requestsPerMessage} request(s) per message, at most ${a.concurrency} in flight, ` +
    `${a.requestsPerWindow.toLocaleString('en-US')} requests per ${a.requestWindowMs / 60_000} min and ` +
    `${(a.bytesPerWindow / 1024 / 1024).toFixed(0)} MB per ${a.bytesWindowMs / 60_000} min per mailbox; ` +
    'bytes are the messages base64-encoded; spam and duplicates are counted (only a full read finds them); ' +
    'folder creation, listings and retries are not'
  );
}
