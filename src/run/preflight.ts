import PQueue from 'p-queue';
import { ClassifiedError } from '../accounting/errors.js';
import type { GraphRequester } from '../destination/graph/graph-requester.js';
import type { TokenSource } from '../destination/graph/token-source.js';

/** One line of the doctor's checklist. */
export interface Check {
  readonly name: string;
  readonly ok: boolean;
  /** What was found, or the sentence that says what to do. */
  readonly detail: string;
  /**
   * Set when Graph answered that this mailbox does not exist (404 ErrorInvalidUser) or cannot be reached
   * (unlicensed, on-premises: the other mailbox 404s): a problem of that mailbox alone, not of the run.
   */
  readonly mailboxMissing?: { readonly mailbox: string; readonly reason: string };
  /** Set on a mailbox's own check: which mailbox it is about. */
  readonly mailbox?: string;
  /**
   * Set when Graph refused this mailbox in a way that may be the run's problem or this mailbox's alone: 403
   * (a missing permission, or an Exchange application access policy or RBAC for Applications scope that
   * leaves this mailbox out), or a 5xx, 429 or network failure past every retry (its server out for minutes).
   * The caller decides from the other mailboxes: when one of them was reachable, it is this mailbox's own.
   */
  readonly mailboxRefused?: { readonly mailbox: string; readonly reason: string };
}

/** The sentence a report gives for the messages of a mailbox the tenant does not have. */
export function mailboxMissingReason(mailbox: string, error: ClassifiedError): string {
  if (error.code === 'ErrorInvalidUser') return `mailbox ${mailbox} does not exist in this tenant: check --mailbox or the map`;
  return error.message;
}

/**
 * The sentence for a mailbox Graph refused while other mailboxes of the run were reachable: the app's
 * permissions are evidently granted, so a 403 is an Exchange application access policy or RBAC for
 * Applications scope that leaves this mailbox out (Graph answers "Access to OData is disabled."), and a
 * 5xx or 429 past every retry is this mailbox's server, not the tenant.
 */
export function mailboxRefusedReason(mailbox: string, error: ClassifiedError): string {
  if (error.status === 403 && error.code === 'ErrorQuotaExceeded') return error.message;
  if (error.status === 403) {
    const said = error.code === undefined ? '403' : `403 ${error.code}`;
    return (
      `Graph refused mailbox ${mailbox} (${said}) while it let this app into other mailboxes of the run: an Exchange ` +
      'application access policy or RBAC for Applications scope leaves it out (Test-ApplicationAccessPolicy or ' +
      'Test-ServicePrincipalAuthorization shows it); bring it into scope, then run the same command again'
    );
  }
  return `mailbox ${mailbox} could not be reached (${error.message}) while the others could: run the same command again later`;
}

/** The application permissions each upload method needs (folders and the JSON path need Mail.ReadWrite). */
export function permissionsNeeded(api: 'beta' | 'v1.0'): string[] {
  return api === 'beta' ? ['Mail.ReadWrite', 'Mail-Advanced.ReadWrite.All'] : ['Mail.ReadWrite'];
}

/** The app roles in an access token, or null when the token is not a readable JWT or lists none (then Graph decides). */
export function rolesInToken(token: string): string[] | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { roles?: unknown };
    // No roles claim says nothing: Exchange's RBAC for Applications grants mailbox access outside Entra,
    // and a token is opaque to its client. Only roles the token does list can show one missing.
    return Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : null;
  } catch {
    return null;
  }
}

/**
 * The checks an import runs before it touches anything, and `eml-import doctor` prints: a token, the
 * permissions the chosen upload method needs, and read access to each mailbox. Read-only.
 */
/** Graph blocks changes to sensitive properties of non-draft messages without Mail-Advanced from this day. */
export const SENSITIVE_RULE_FROM = new Date('2026-12-31T00:00:00Z');

/**
 * Why Mail-Advanced.ReadWrite.All matters with --api v1.0 too: the JSON path creates a non-draft message and
 * then adds the attachments that did not fit in the create, and from 31 December 2026 Graph may count that
 * as changing a non-draft message (Microsoft does not say; the safe reading is that it does).
 */
export function sensitiveRuleCheck(roles: readonly string[] | null, now: Date): Check {
  const name = 'permission Mail-Advanced.ReadWrite.All (JSON path)';
  if (roles === null) return { name, ok: true, detail: 'not visible in the token; the write test tells' };
  if (roles.includes('Mail-Advanced.ReadWrite.All')) return { name, ok: true, detail: 'granted' };
  const why =
    'the JSON path (--api v1.0, and messages too large for importMime) adds attachments that do not fit in the create to the ' +
    'message after creating it as a non-draft, and from 31 December 2026 Graph refuses changes to non-draft messages without it';
  return now < SENSITIVE_RULE_FROM
    ? { name, ok: true, detail: `not granted; grant it before 31 December 2026: ${why}` }
    : { name, ok: false, detail: `not granted: add the Microsoft Graph application permission Mail-Advanced.ReadWrite.All with admin consent, because ${why}` };
}

export interface PreflightOptions {
  /** doctor: also say whether the JSON path will keep working under the sensitive-property rule. */
  readonly explainSensitiveRule?: boolean;
  readonly now?: Date;
  /** 'read' for reconcile, which only lists: an auditor's read-only app is enough for it. Default 'write'. */
  readonly access?: 'write' | 'read';
}

/** A permission the token does not show (no roles claim, or not a JWT): the mailbox checks' answers decide. */
const GRAPH_WILL_TELL = 'not visible in the token; Graph will tell';

/** Roles that let an app list mailbox folders and messages with what reconcile reads of them (extended properties included). */
const READ_ROLES = ['Mail.Read', 'Mail.ReadWrite'];

function readCheck(roles: readonly string[] | null): Check {
  const name = 'permission to read mail';
  if (roles === null) return { name, ok: true, detail: GRAPH_WILL_TELL };
  const granted = READ_ROLES.find((role) => roles.includes(role));
  if (granted !== undefined) return { name, ok: true, detail: `granted (${granted})` };
  return { name, ok: false, detail: `the token has neither ${READ_ROLES.join(' nor ')}: add the Microsoft Graph application permission Mail.Read to the app registration and grant admin consent` };
}

/**
 * Mailboxes checked at once. One after another, an estate's checks took longer than some of its imports
 * before the first message went out: 5,000 mailboxes at Graph's 150-400 ms a request are 20 minutes
 * (bench:estate saw 9 s for 32 mailboxes). Each check is one request against its own mailbox's limits.
 */
const MAILBOX_CHECKS_AT_ONCE = 32;

/** Read access to each mailbox, in the order given. */
async function checkMailboxes(graph: GraphRequester, mailboxes: readonly string[]): Promise<Check[]> {
  const queue = new PQueue({ concurrency: MAILBOX_CHECKS_AT_ONCE });
  return Promise.all(mailboxes.map((mailbox) => queue.add(() => checkMailbox(graph, mailbox))));
}

async function checkMailbox(graph: GraphRequester, mailbox: string): Promise<Check> {
  try {
    await graph.request(mailbox, { method: 'GET', path: `/users/${encodeURIComponent(mailbox)}/mailFolders/inbox?$select=id,totalItemCount` });
    return { name: `mailbox ${mailbox}`, mailbox, ok: true, detail: 'reachable' };
  } catch (error) {
    const missing = error instanceof ClassifiedError && error.status === 404;
    // A 401 or a token that could not be had is the credential's, never one mailbox's; anything else Graph
    // answered (or an outage past every retry) may be this mailbox's alone.
    const credential = error instanceof ClassifiedError && (error.status === 401 || (error.status === undefined && error.errorClass === 'fatal'));
    const refused = !missing && !credential && error instanceof ClassifiedError;
    return {
      name: `mailbox ${mailbox}`,
      mailbox,
      ok: false,
      detail: (error as Error).message,
      ...(missing ? { mailboxMissing: { mailbox, reason: mailboxMissingReason(mailbox, error) } } : {}),
      ...(refused ? { mailboxRefused: { mailbox, reason: mailboxRefusedReason(mailbox, error) } } : {}),
    };
  }
}

export async function runPreflight(
  tokens: TokenSource,
  graph: GraphRequester,
  mailboxes: readonly string[],
  api: 'beta' | 'v1.0',
  options: PreflightOptions = {},
): Promise<Check[]> {
  const checks: Check[] = [];
  let token: string;
  try {
    token = await tokens.getToken();
    checks.push({ name: 'access token', ok: true, detail: 'acquired' });
  } catch (error) {
    checks.push({ name: 'access token', ok: false, detail: (error as Error).message });
    return checks;
  }
  const roles = rolesInToken(token);
  if (options.access === 'read') {
    checks.push(readCheck(roles), ...(await checkMailboxes(graph, mailboxes)));
    return checks;
  }
  for (const permission of permissionsNeeded(api)) {
    if (roles === null) {
      checks.push({ name: `permission ${permission}`, ok: true, detail: GRAPH_WILL_TELL });
    } else if (roles.includes(permission)) {
      checks.push({ name: `permission ${permission}`, ok: true, detail: 'granted' });
    } else {
      const hint = permission === 'Mail-Advanced.ReadWrite.All' ? ' (or use --api v1.0, which needs only Mail.ReadWrite)' : '';
      checks.push({
        name: `permission ${permission}`,
        ok: false,
        detail: `the token has no ${permission} role: add the Microsoft Graph application permission ${permission} to the app registration and grant admin consent${hint}`,
      });
    }
  }
  if (options.explainSensitiveRule === true && api === 'v1.0') checks.push(sensitiveRuleCheck(roles, options.now ?? new Date()));
  checks.push(...(await checkMailboxes(graph, mailboxes)));
  return checks;
}
