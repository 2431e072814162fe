/**
 * The shortest time Graph's per-mailbox limits allow for importing one mailbox. Each limit gives a bound
 * and the largest one binds. The request and byte budgets are sliding windows: a window's worth may go at
 * once, the rest at the steady rate (budget / window), as a token bucket of one window's size.
 */
import { uploadBytesOf, type PlanAssumptions } from './assumptions.js';

export type BindingLimit = 'in-flight latency' | 'requests' | 'bytes';

export interface MailboxSizeInput {
  readonly messages: number;
  /** Uncompressed message bytes. */
  readonly bytes: number;
}

export interface MailboxTime {
  /** The shortest import time, seconds: the largest of the bounds. */
  readonly seconds: number;
  readonly binding: BindingLimit;
  readonly bounds: Readonly<Record<BindingLimit, number>>;
}

function budgetSeconds(amount: number, perWindow: number, windowMs: number): number {
  return Math.max(0, amount - perWindow) / (perWindow / (windowMs / 1000));
}

export function mailboxTime(size: MailboxSizeInput, a: PlanAssumptions): MailboxTime {
  const requests = size.messages * a.requestsPerMessage;
  const bounds: Record<BindingLimit, number> = {
    'in-flight latency': (requests * a.latencyMs) / 1000 / a.concurrency,
    requests: budgetSeconds(requests, a.requestsPerWindow, a.requestWindowMs),
    bytes: budgetSeconds(uploadBytesOf(size.bytes), a.bytesPerWindow, a.bytesWindowMs),
  };
  // Ties go to the first named: latency is what an admin can least change, so it is the honest answer.
  let binding: BindingLimit = 'in-flight latency';
  for (const limit of ['requests', 'bytes'] as const) if (bounds[limit] > bounds[binding]) binding = limit;
  return { seconds: bounds[binding], binding, bounds };
}

/** The steady rate the limits allow once the first window's budget is spent, messages per second. */
export function steadyRate(meanMessageBytes: number, a: PlanAssumptions): { readonly value: number; readonly binding: BindingLimit } {
  const perRequest = {
    'in-flight latency': a.concurrency / (a.latencyMs / 1000),
    requests: a.requestsPerWindow / (a.requestWindowMs / 1000),
  };
  const rates: Record<BindingLimit, number> = {
    'in-flight latency': perRequest['in-flight latency'] / a.requestsPerMessage,
    requests: perRequest.requests / a.requestsPerMessage,
    bytes: meanMessageBytes > 0 ? a.bytesPerWindow / (a.bytesWindowMs / 1000) / uploadBytesOf(meanMessageBytes) : Infinity,
  };
  let binding: BindingLimit = 'in-flight latency';
  for (const limit of ['requests', 'bytes'] as const) if (rates[limit] < rates[binding]) binding = limit;
  return { value: rates[binding], binding };
}
