import type { FaultOptions } from './faults.js';

/** The permissions (app roles) an emulated app registration has been granted. */
export type GraphRole =
  | 'Mail.ReadBasic.All'
  | 'Mail.Read'
  | 'Mail.ReadWrite'
  | 'Mail-Advanced.ReadWrite.All'
  | (string & {});

export interface ClientCertificate {
  /** PEM of the public certificate registered on the app. */
  certificatePem: string;
}

export interface ClientRegistration {
  secret?: string;
  certificate?: ClientCertificate;
  roles: GraphRole[];
  /**
   * The roles are granted in Exchange (RBAC for Applications), not as Entra app roles: the token lists
   * none, and Graph still authorises them.
   */
  rolesInExchange?: boolean;
}

/** Per app+mailbox Outlook limits; windows are in real milliseconds before `timeScale` applies. */
export interface LimitOptions {
  concurrency: number;
  requestsPerWindow: number;
  requestWindowMs: number;
  bytesPerWindow: number;
  bytesWindowMs: number;
}

/**
 * Whom the limits are counted for: Microsoft documents app+mailbox, but field reports (docs PR #9394,
 * issue #7478) saw one budget shared by every app on a mailbox.
 */
export type LimitScope = 'appAndMailbox' | 'mailbox';

export interface LatencyOptions {
  min: number;
  max: number;
}

/**
 * Ways a real tenant could differ from what eml-import relies on; doctor's write test must catch each.
 * All off by default.
 */
export interface TenantQuirks {
  /** importMime answers as in a cloud that lacks it: 400 "Resource not found for the segment 'importMime'". */
  importMimeMissing?: boolean;
  /**
   * A US Government or China tenant: the global-only actions are unknown, importMime and
   * mailFolder/message permanentDelete (their pages list the global service only).
   */
  nationalCloud?: boolean;
  /** importMime answers 413 above this many MIME bytes (one field report saw failures above about 2.2 MB). */
  importMimeMaxBytes?: number;
  /** Every create comes back a draft, whatever PR_MESSAGE_FLAGS said. */
  draftsCreated?: boolean;
  /** sentDateTime and receivedDateTime stored this many minutes off (a server reading zones wrongly). */
  dateShiftMinutes?: number;
  /** internetMessageId is not kept. */
  dropMessageId?: boolean;
  /** Adding an attachment after the create (POST or upload session) is refused with 400 ErrorMessageSizeExceeded. */
  refuseAttachments?: boolean;
  /**
   * The answer to the PUT that completes an upload session is lost: the attachment is added, then the
   * connection drops (status 0 in the log). createUploadSession's page says ranges are PUT so that "transfer
   * can be resumed, in case the network connection is dropped during upload"
   * (https://learn.microsoft.com/graph/api/attachment-createuploadsession); the last range is no exception.
   * The session is gone once complete, so the client cannot ask it where it stands.
   */
  loseFinalUploadAnswer?: boolean;
  /**
   * MailboxConcurrency 429s already at the concurrency limit (4 in flight), not only above it, as one
   * developer saw (Microsoft Q&A 1660054).
   */
  throttleAtConcurrencyLimit?: boolean;
  /**
   * Per mailbox (UPN, lower case), a state that makes Graph refuse it as real tenants do:
   * - 'access-policy': an Exchange application access policy (or RBAC for Applications scope) excludes it:
   *   every request 403 ErrorAccessDenied "Access to OData is disabled." (OfficeDev/office-js-docs-pr#2808,
   *   microsoft-graph-docs PR #21382);
   * - 'unlicensed': no Exchange Online licence, or soft-deleted: 404 MailboxNotEnabledForRESTAPI "The mailbox
   *   is either inactive, soft-deleted, or is hosted on-premise." (microsoftgraph/msgraph-sdk-javascript#1756);
   * - 'quota-exceeded': the mailbox is full: creates answer 403 ErrorQuotaExceeded "Mailbox has exceeded maximum
   *   mailbox size." (microsoft-graph-docs-contrib#6596, OfficeDocs-O365ServiceDescriptions#69: 403);
   * - 'quota-exceeded-507': the same as 507 QuotaExceededException "Target mailbox quota exceeded." (#6177).
   * - 'unavailable': a long outage of the mailbox's server: every request 503 ServiceUnavailable without Retry-After;
   * - 'throttled': every request 429 ApplicationThrottled without Retry-After (a tenant-wide throttle when set on all).
   * Patchable at run time (configure), to apply one in the middle of a run.
   */
  mailboxStates?: Record<string, 'access-policy' | 'unlicensed' | 'quota-exceeded' | 'quota-exceeded-507' | 'unavailable' | 'throttled'>;
  /**
   * importMime answers 400 ErrorMimeContentInvalid to a message holding these bytes (Exchange refuses some real
   * messages it cannot parse; the JSON create of the same message may still succeed).
   */
  invalidMimeMarker?: string;
  /** The token endpoint answers AADSTS7000222 (the client secret has expired) to a secret. */
  secretExpired?: boolean;
  /**
   * How `@odata.nextLink` is written: on the last page as null instead of left out (a JSON serialiser's
   * default), and as a relative URL (OData 4.01 JSON format 4.3 allows one) instead of an absolute one.
   */
  nullNextLink?: boolean;
  relativeNextLinks?: boolean;
  /**
   * Listings whose `@odata.nextLink` stops advancing: every page from the second on links to the second page
   * again, as Mail listings did for days in June 2019 ("Since a couple of days ... the Mail Graph APIs started
   * to always return the same nextLink, which caused us to be stuck in an endless loop",
   * microsoftgraph/microsoft-graph-docs-contrib#7004, and OneDrive's #2749 for drive delta).
   */
  stuckNextLink?: boolean;
  /**
   * Graph error codes with a lower-case first letter (`errorFolderExists`, `errorItemNotFound`): Graph's own
   * error page lists its codes in that form (`itemNotFound`, `nameAlreadyExists`, `quotaLimitReached`,
   * https://learn.microsoft.com/graph/errors#code-property), while Outlook's answer `ErrorItemNotFound`; a Graph
   * server written to the error page, or a front end that maps codes, answers the former.
   */
  lowerCaseErrorCodes?: boolean;
  /**
   * Answers gzip-compressed when the request's Accept-Encoding allows it (RFC 9110 8.4, 12.5.3). With
   * 'label-empty' an answer without content (204, or a 201 with no body) still names its coding: RFC 9110
   * 15.3.5 lets a 204 carry the selected representation's metadata, Content-Encoding included.
   */
  gzipAnswers?: boolean | 'label-empty';
  /** Pages of folder and message listings hold at most this many items, whatever `$top` asked (Graph may send fewer). */
  pageSize?: number;
  /** The mailboxes' locale names their well-known folders (Posteingang, Entwürfe, ...); well-known names still find them. */
  folderLanguage?: 'de';
  /**
   * The mailbox has Exchange's default non-mail folders under the root (Calendar, Contacts, Journal, Notes,
   * Tasks). Graph's mailFolders listings leave them out, includeHiddenFolders or not (Get-MgUserMailFolder
   * "does not list ... Tasks, Journal, Calendar, Contacts and Notes", msgraph-sdk-powershell#2357), yet they
   * hold their names: "Sibling folders MUST have unique display names" (MS-OXCFOLD 2.2.2.2.2.5,
   * https://learn.microsoft.com/en-us/openspecs/exchange_server_protocols/ms-oxcfold/73d2322e-95ea-438c-93b4-dd2ee601a61e),
   * so creating a mail folder "Notes" there answers ErrorFolderExists.
   */
  nonMailFolders?: boolean;
}

export interface EmulatorOptions {
  /** 0 picks a free port. */
  port?: number;
  tenant?: string;
  clients?: Record<string, ClientRegistration>;
  /** Secret of the default client when `clients` is not given; a fresh random test secret per start otherwise. */
  clientSecret?: string;
  /** UPNs that exist; any other UPN gets 404 ErrorInvalidUser. */
  mailboxes?: string[];
  tokenLifetimeSeconds?: number;
  /** Multiplies every limit window (0.01 = windows 100x shorter). */
  timeScale?: number;
  limits?: Partial<LimitOptions>;
  /** Default 'appAndMailbox'. */
  limitScope?: LimitScope;
  latencyMs?: LatencyOptions;
  faults?: FaultOptions;
  seed?: number;
  errorFolderExistsStatus?: 409 | 400;
  quirks?: TenantQuirks;
  /**
   * From this instant (ISO date or date-time), changing sensitive properties of a non-draft message
   * (subject, body, recipients; attachments too, the strict reading) needs Mail-Advanced.ReadWrite.All,
   * as Graph enforces from 2026-12-31. Null (default): never enforced.
   */
  sensitiveRuleFrom?: string | null;
  /** The emulator's "now" for date-switched rules (ISO); default the real clock. */
  now?: string | null;
  /** Mailboxes (UPNs) that have an online archive, reachable as /beta/users/{inPlaceArchiveMailboxId}/…. */
  archives?: string[];
  /**
   * Parse created messages' MIME on this many worker threads (default 0: on the server's own thread). For
   * bench:estate, where parsing on the one thread that answers every request made the emulator the bound.
   */
  parseThreads?: number;
}

export interface ResolvedOptions {
  port: number;
  tenant: string;
  clients: Record<string, ClientRegistration>;
  mailboxes: string[];
  tokenLifetimeSeconds: number;
  timeScale: number;
  limits: LimitOptions;
  limitScope: LimitScope;
  latencyMs: LatencyOptions;
  faults: FaultOptions;
  seed: number;
  errorFolderExistsStatus: 409 | 400;
  quirks: TenantQuirks;
  sensitiveRuleFrom: string | null;
  now: string | null;
  archives: string[];
  parseThreads: number;
}

export const DEFAULT_CLIENT_ID = '11111111-2222-4333-8444-555555555555';
export const DEFAULT_MAILBOXES = ['ann@contoso.onmicrosoft.com', 'bob@contoso.onmicrosoft.com'];
export const ALL_MAIL_ROLES: GraphRole[] = ['Mail.ReadWrite', 'Mail-Advanced.ReadWrite.All'];

export const DEFAULT_LIMITS: LimitOptions = {
  concurrency: 4,
  requestsPerWindow: 10_000,
  requestWindowMs: 600_000,
  bytesPerWindow: 150 * 1024 * 1024,
  bytesWindowMs: 300_000,
};

export function resolveOptions(
  options: EmulatorOptions,
  defaultClient: { secret: string; certificatePem: string },
): ResolvedOptions {
  const tenant = options.tenant ?? 'contoso.onmicrosoft.com';
  return {
    port: options.port ?? 0,
    tenant,
    clients: options.clients ?? {
      [DEFAULT_CLIENT_ID]: {
        secret: defaultClient.secret,
        certificate: { certificatePem: defaultClient.certificatePem },
        roles: [...ALL_MAIL_ROLES],
      },
    },
    mailboxes: (options.mailboxes ?? DEFAULT_MAILBOXES).map((upn) => upn.toLowerCase()),
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3599,
    timeScale: options.timeScale ?? 1,
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    limitScope: options.limitScope ?? 'appAndMailbox',
    latencyMs: options.latencyMs ?? { min: 0, max: 0 },
    faults: options.faults ?? {},
    seed: options.seed ?? 1,
    errorFolderExistsStatus: options.errorFolderExistsStatus ?? 409,
    quirks: options.quirks ?? {},
    sensitiveRuleFrom: options.sensitiveRuleFrom ?? null,
    now: options.now ?? null,
    archives: (options.archives ?? []).map((upn) => upn.toLowerCase()),
    parseThreads: options.parseThreads ?? 0,
  };
}

/** Runtime changes: anything but the port, tenant, mailboxes and default secret, which are fixed at start. */
export type EmulatorConfigurePatch = Omit<EmulatorOptions, 'port' | 'tenant' | 'mailboxes' | 'clientSecret' | 'archives'>;

export function applyPatch(current: ResolvedOptions, patch: EmulatorConfigurePatch): ResolvedOptions {
  return {
    ...current,
    clients: patch.clients ?? current.clients,
    tokenLifetimeSeconds: patch.tokenLifetimeSeconds ?? current.tokenLifetimeSeconds,
    timeScale: patch.timeScale ?? current.timeScale,
    limits: { ...current.limits, ...patch.limits },
    limitScope: patch.limitScope ?? current.limitScope,
    latencyMs: patch.latencyMs ?? current.latencyMs,
    faults: patch.faults ?? current.faults,
    seed: patch.seed ?? current.seed,
    errorFolderExistsStatus: patch.errorFolderExistsStatus ?? current.errorFolderExistsStatus,
    quirks: patch.quirks ?? current.quirks,
    sensitiveRuleFrom: patch.sensitiveRuleFrom !== undefined ? patch.sensitiveRuleFrom : current.sensitiveRuleFrom,
    now: patch.now !== undefined ? patch.now : current.now,
  };
}
