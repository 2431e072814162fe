/**
 * When each request was answered. The emulator's request log keeps method, path and status but no time,
 * so the benchmark (in the same process as the emulator) wraps RequestLog.record to stamp every entry as
 * it is logged, which is the moment the answer is written. Bench-only; the emulator is not changed.
 */
import { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { MailboxLimits } from '../../test/emulator/limits.js';
import { RequestLog, type LoggedRequest } from '../../test/emulator/request-log.js';

export interface TimedRequest {
  /** performance.now() when the answer was logged. */
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** Lower-cased UPN for /users/{upn}/… paths, else null (token requests, inspection). */
  readonly mailbox: string | null;
  readonly kind: 'importMime' | 'token' | 'other';
}

const timeline: TimedRequest[] = [];

/** A request to a mailbox as the emulator's limits saw it: counted in flight from arrival to answer. */
export interface Occupancy {
  readonly mailbox: string;
  readonly from: number;
  to: number;
}
const occupancy: Occupancy[] = [];
let installed = false;

function classify(path: string): Pick<TimedRequest, 'mailbox' | 'kind'> {
  const segments = path.split('?')[0]?.split('/').filter((s) => s !== '') ?? [];
  const usersAt = segments.findIndex((s) => s.toLowerCase() === 'users');
  const mailbox = usersAt >= 0 && segments[usersAt + 1] ? decodeURIComponent(segments[usersAt + 1] as string).toLowerCase() : null;
  const last = segments[segments.length - 1] ?? '';
  const kind = last === 'importMime' ? 'importMime' : /oauth2/i.test(path) ? 'token' : 'other';
  return { mailbox, kind };
}

/** Bodies of 5xx answers the emulator wrote (its own failures say why), for the report. */
export const serverErrorBodies: string[] = [];

/** Starts stamping logged requests (idempotent). */
export function installTimeline(): void {
  if (installed) return;
  installed = true;
  const original = RequestLog.prototype.record;
  RequestLog.prototype.record = function record(this: RequestLog, entry: LoggedRequest): void {
    timeline.push({ at: performance.now(), method: entry.method, path: entry.path, status: entry.status, ...classify(entry.path) });
    original.call(this, entry);
  };
  // The emulator answers its own exceptions with 500 "Emulator failure: <message>"; keep what it said.
  const end = ServerResponse.prototype.end;
  ServerResponse.prototype.end = function capturingEnd(this: ServerResponse, ...args: unknown[]) {
    const chunk = args[0];
    if (this.statusCode >= 500 && (typeof chunk === 'string' || Buffer.isBuffer(chunk))) serverErrorBodies.push(String(chunk).slice(0, 300));
    return (end as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as typeof ServerResponse.prototype.end;
  // Arrival and answer of every /users/{upn} request, for the mean number in flight at the server.
  const arrive = MailboxLimits.prototype.arrive;
  MailboxLimits.prototype.arrive = function stampedArrive(this: MailboxLimits, appId: string, upn: string) {
    const slot: Occupancy = { mailbox: upn.toLowerCase(), from: performance.now(), to: Number.NaN };
    occupancy.push(slot);
    const result = arrive.call(this, appId, upn);
    return {
      observed: result.observed,
      release: () => {
        if (Number.isNaN(slot.to)) slot.to = performance.now();
        result.release();
      },
    };
  };
}

/** Mean requests in flight at the server for `mailbox` between `from` and `to` (performance.now() times). */
export function meanInFlight(mailbox: string, from: number, to: number): number {
  let busy = 0;
  for (const slot of occupancy) {
    if (slot.mailbox !== mailbox) continue;
    const end = Number.isNaN(slot.to) ? to : slot.to;
    busy += Math.max(0, Math.min(end, to) - Math.max(slot.from, from));
  }
  return busy / (to - from);
}

/**
 * Mean time from arrival to answer of the requests to `mailbox` that arrived between `from` and `to`: the
 * latency drawn for each plus whatever the emulator itself took (receiving, parsing, a busy event loop).
 */
export function meanServerMs(mailbox: string, from: number, to: number): number {
  let total = 0;
  let count = 0;
  for (const slot of occupancy) {
    if (slot.mailbox !== mailbox || Number.isNaN(slot.to) || slot.from < from || slot.from > to) continue;
    total += slot.to - slot.from;
    count += 1;
  }
  return count === 0 ? Number.NaN : total / count;
}

/** Everything stamped since `from` (an index returned by mark()). */
export function since(from: number): TimedRequest[] {
  return timeline.slice(from);
}

export function mark(): number {
  return timeline.length;
}
