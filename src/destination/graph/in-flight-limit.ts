/**
 * How many requests a mailbox may have in flight, after Graph answered 429 MailboxConcurrency: down one
 * step at once, and back up one step only after a quiet period without such a 429, as AIMD does for a
 * congestion window. Without the way back up, a few 429s that came from Graph's side (a busy server, a
 * passing burst) left the mailbox at 1 in flight, a quarter of its throughput, for the rest of the run.
 * A mailbox that really throttles at its documented limit costs one 429 per quiet period as it probes.
 * Pure: plain values in, plain values out; the governor keeps the state and the clock.
 */

export interface InFlightLimit {
  /** Requests allowed in flight now. */
  readonly allowed: number;
  /** The most ever allowed: the documented limit the governor was made with. */
  readonly ceiling: number;
  /** Epoch ms of the last MailboxConcurrency 429 or the last step (either way): the quiet period counts from here. */
  readonly since: number;
}

export function initialInFlightLimit(ceiling: number, now: number): InFlightLimit {
  return { allowed: ceiling, ceiling, since: now };
}

/**
 * A request sent while `atLimit` were allowed was answered 429 MailboxConcurrency at `now`. One step down
 * (never below 1), unless the limit already moved since that request was sent: requests of one burst that
 * were all throttled cost one step, not one each. Either way the quiet period starts again.
 */
export function afterConcurrencyThrottle(limit: InFlightLimit, atLimit: number, now: number): InFlightLimit {
  const lower = atLimit === limit.allowed && limit.allowed > 1;
  return { ...limit, allowed: lower ? limit.allowed - 1 : limit.allowed, since: now };
}

/**
 * A request was answered without a MailboxConcurrency 429 at `now`: one step up once `quietMs` have passed
 * since the last such 429 or step, up to the ceiling; the next step waits for another quiet period.
 */
export function afterAnswer(limit: InFlightLimit, now: number, quietMs: number): InFlightLimit {
  if (limit.allowed >= limit.ceiling || now - limit.since < quietMs) return limit;
  return { ...limit, allowed: limit.allowed + 1, since: now };
}
