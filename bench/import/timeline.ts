/**
 * When each request was answered. The emulator's request log keeps method, path and status but no time,
 * so the benchmark (in the same process as the emulator) wraps RequestLog.record to stamp every entry as
 * it is logged, which is the moment the answer is written. Bench-only; the emulator is not changed.
 */
import { performance } from 'node:perf_hooks';
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
let installed = false;

function classify(path: string): Pick<TimedRequest, 'mailbox' | 'kind'> {
  const segments = path.split('?')[0]?.split('/').filter((s) => s !== '') ?? [];
  const usersAt = segments.findIndex((s) => s.toLowerCase() === 'users');
  const mailbox = usersAt >= 0 && segments[usersAt + 1] ? decodeURIComponent(segments[usersAt + 1] as string).toLowerCase() : null;
  const last = segments[segments.length - 1] ?? '';
  const kind = last === 'importMime' ? 'importMime' : /oauth2/i.test(path) ? 'token' : 'other';
  return { mailbox, kind };
}

/** Starts stamping logged requests (idempotent). */
export function installTimeline(): void {
  if (installed) return;
  installed = true;
  const original = RequestLog.prototype.record;
  RequestLog.prototype.record = function record(this: RequestLog, entry: LoggedRequest): void {
    timeline.push({ at: performance.now(), method: entry.method, path: entry.path, status: entry.status, ...classify(entry.path) });
    original.call(this, entry);
  };
}

/** Everything stamped since `from` (an index returned by mark()). */
export function since(from: number): TimedRequest[] {
  return timeline.slice(from);
}

export function mark(): number {
  return timeline.length;
}
