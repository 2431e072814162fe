import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { jsonReply, type Reply } from '../http/reply.js';
import type { ReplyIds } from '../http/write-reply.js';
import type { EmulatorState } from '../state.js';
import { graphErrors } from './errors.js';
import type { GraphRequestInput, Outcome } from './pipeline.js';

const MAX_BATCH_REQUESTS = 20;
/** Graph hands Outlook at most four independent requests of a batch at a time. */
const PARALLEL_ITEMS = 4;

interface BatchItem {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  dependsOn: string[];
}

interface ItemResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

function readItems(body: Buffer): BatchItem[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw graphErrors.unableToDeserialize();
  }
  const requests = (parsed as { requests?: unknown } | null)?.requests;
  if (!Array.isArray(requests) || requests.length === 0) throw graphErrors.badRequest('Invalid batch payload format.');
  if (requests.length > MAX_BATCH_REQUESTS) throw graphErrors.badRequest(`The number of batch requests exceeds the maximum of ${MAX_BATCH_REQUESTS}.`);
  const seen = new Set<string>();
  return requests.map((entry: unknown) => {
    const { id, method, url, headers, body: itemBody, dependsOn } = (entry ?? {}) as Record<string, unknown>;
    if (typeof id !== 'string' || typeof method !== 'string' || typeof url !== 'string') throw graphErrors.badRequest('Invalid batch payload format.');
    if (seen.has(id)) throw graphErrors.badRequest(`Batch request contains duplicate request id '${id}'.`);
    seen.add(id);
    const itemHeaders: Record<string, string> = {};
    for (const [name, value] of Object.entries((headers ?? {}) as Record<string, unknown>)) itemHeaders[name.toLowerCase()] = String(value);
    if (itemBody !== undefined && itemHeaders['content-type'] === undefined) {
      throw graphErrors.badRequest(`Write request with id '${id}' does not contain a Content-Type header.`);
    }
    return {
      id,
      method: method.toUpperCase(),
      url,
      headers: itemHeaders,
      ...(itemBody !== undefined ? { body: itemBody } : {}),
      dependsOn: Array.isArray(dependsOn) ? dependsOn.map(String) : [],
    };
  });
}

function itemBodyBytes(item: BatchItem): Buffer {
  if (item.body === undefined) return Buffer.alloc(0);
  if (typeof item.body === 'string') return Buffer.from(item.body, 'utf8');
  return Buffer.from(JSON.stringify(item.body), 'utf8');
}

function toItemResponse(id: string, outcome: Outcome): ItemResponse {
  if (outcome.kind === 'reset') {
    // Inside a batch a dropped connection surfaces as a gateway timeout on that entry: fate unknown.
    return { id, status: 504, headers: {}, body: { error: { code: 'GatewayTimeout', message: 'The operation has timed out.' } } };
  }
  const { reply } = outcome;
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.contentType) headers['Content-Type'] = reply.contentType;
  const body = Buffer.isBuffer(reply.body) ? reply.body.toString('base64') : reply.body;
  return { id, status: reply.status, headers, ...(body !== undefined ? { body } : {}) };
}

/**
 * POST /$batch: up to 20 entries, each evaluated on its own against auth, limits and faults, answered in one 200.
 * Entries with dependsOn run in order and get 424 when a prerequisite failed.
 */
export async function runBatch(
  state: EmulatorState,
  batch: { version: 'v1.0' | 'beta'; authorization: string; body: Buffer },
  execute: (input: GraphRequestInput, ids: ReplyIds) => Promise<Outcome>,
): Promise<Reply> {
  const items = readItems(batch.body);
  const results = new Map<string, ItemResponse>();
  const runItem = async (item: BatchItem): Promise<void> => {
    const failedDependency = item.dependsOn.some((id) => (results.get(id)?.status ?? 424) >= 400);
    if (failedDependency) {
      results.set(item.id, { id: item.id, status: 424, headers: {}, body: { error: { code: 'FailedDependency', message: 'Dependent request failed.' } } });
      return;
    }
    const path = item.url.startsWith('/') ? item.url : `/${item.url}`;
    const headers: IncomingHttpHeaders = { ...item.headers, authorization: batch.authorization };
    const bytes = itemBodyBytes(item);
    const releases: (() => void)[] = [];
    const outcome = await execute(
      {
        method: item.method,
        url: new URL(`/${batch.version}${path}`, state.url),
        headers,
        readBody: () => Promise.resolve({ body: bytes, tooLarge: false, length: bytes.length }),
        onArrival: (release) => releases.push(release),
      },
      { requestId: randomUUID(), clientRequestId: randomUUID() },
    );
    releases.forEach((release) => release());
    results.set(item.id, toItemResponse(item.id, outcome));
  };

  const sequential = items.some((item) => item.dependsOn.length > 0);
  if (sequential) {
    for (const item of items) await runItem(item);
  } else {
    const queue = [...items];
    const workers = Array.from({ length: Math.min(PARALLEL_ITEMS, queue.length) }, async () => {
      for (let item = queue.shift(); item; item = queue.shift()) await runItem(item);
    });
    await Promise.all(workers);
  }
  return jsonReply(200, { responses: items.map((item) => results.get(item.id)) });
}
