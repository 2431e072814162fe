/** Wraps the Graph requester to time every call doctor's write test makes, for the latency it reports. */
import type { GraphRequest, GraphRequester, GraphResponse } from '../../destination/graph/graph-requester.js';

export type CallKind = 'create' | 'attachment' | 'read' | 'other';

export interface TimedCall {
  readonly kind: CallKind;
  readonly ms: number;
  readonly ok: boolean;
}

function kindOf(request: GraphRequest): CallKind {
  if (request.method === 'GET') return 'read';
  if (/\/attachments|^https:/i.test(request.path)) return 'attachment';
  if (request.isCreate === true) return 'create';
  return 'other';
}

export class TimedRequester implements GraphRequester {
  readonly calls: TimedCall[] = [];
  /** The request-id of the last answer, for "report this" sentences about what a read returned. */
  lastRequestId: string | undefined;

  constructor(private readonly inner: GraphRequester) {}

  async request<T = unknown>(mailbox: string, request: GraphRequest): Promise<GraphResponse<T>> {
    const started = performance.now();
    try {
      const response = await this.inner.request<T>(mailbox, request);
      this.calls.push({ kind: kindOf(request), ms: performance.now() - started, ok: true });
      this.lastRequestId = response.headers.get('request-id') ?? undefined;
      return response;
    } catch (error) {
      this.calls.push({ kind: kindOf(request), ms: performance.now() - started, ok: false });
      throw error;
    }
  }
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
