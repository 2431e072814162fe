/**
 * Tenant-wide rules and quirks that sit on top of the plain handlers: the sensitive-property rule Graph
 * enforces from 31 December 2026, and the ways a tenant could differ that doctor's write test must catch.
 */
import type { EmulatorState } from '../state.js';
import type { StoredMessage } from '../store.js';
import { graphDateTime } from '../store.js';
import type { GraphContext } from './context.js';
import { GraphHttpError } from './errors.js';

/** The emulator's clock for date-switched rules. */
export function emulatorNow(state: EmulatorState): number {
  const now = state.options.now;
  return now === null ? Date.now() : Date.parse(now);
}

export function sensitiveRuleActive(state: EmulatorState): boolean {
  const from = state.options.sensitiveRuleFrom;
  return from !== null && emulatorNow(state) >= Date.parse(from);
}

/**
 * Changing a sensitive property (subject, body, recipients, and here attachments: Microsoft does not say
 * whether they count, so the emulator takes the strict reading) of a non-draft message, once the rule is on,
 * needs Mail-Advanced.ReadWrite(.All|.Shared). Drafts stay editable with Mail.ReadWrite.
 */
export function requireSensitiveChangeAllowed(context: GraphContext, message: StoredMessage): void {
  if (message.isDraft || !sensitiveRuleActive(context.state)) return;
  const roles = context.claims.roles ?? [];
  if (roles.some((role) => role.startsWith('Mail-Advanced.ReadWrite'))) return;
  throw new GraphHttpError(
    403,
    'ErrorAccessDenied',
    'Access is denied. Updating sensitive properties of a non-draft message requires the Mail-Advanced.ReadWrite permission.',
  );
}

/** The refuseAttachments quirk: a tenant whose limits refuse attachments added after the create. */
export function refuseAttachmentIfConfigured(context: GraphContext): void {
  if (context.state.options.quirks.refuseAttachments === true) {
    throw new GraphHttpError(400, 'ErrorMessageSizeExceeded', 'The message exceeds the maximum supported size.');
  }
}

interface CreatedFields {
  isDraft: boolean;
  sentDateTime: string | null;
  receivedDateTime: string;
  internetMessageId: string | null;
}

/** What a quirky tenant does to a message as it is created. */
export function applyCreateQuirks<T extends CreatedFields>(state: EmulatorState, fields: T): T {
  const quirks = state.options.quirks;
  const shift = (quirks.dateShiftMinutes ?? 0) * 60_000;
  const moved = (value: string): string => graphDateTime(new Date(Date.parse(value) + shift));
  return {
    ...fields,
    isDraft: quirks.draftsCreated === true ? true : fields.isDraft,
    sentDateTime: shift !== 0 && fields.sentDateTime !== null ? moved(fields.sentDateTime) : fields.sentDateTime,
    receivedDateTime: shift !== 0 ? moved(fields.receivedDateTime) : fields.receivedDateTime,
    internetMessageId: quirks.dropMessageId === true ? null : fields.internetMessageId,
  };
}
