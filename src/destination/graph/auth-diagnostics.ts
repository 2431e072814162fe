/**
 * One actionable sentence per authentication or permission failure. Pure: it reads the error's shape and
 * the context, never the network, and it never repeats the secret (only facts about its shape).
 */

export type AuthMethod = 'secret' | 'certificate' | 'token';

export interface AuthContext {
  /** The secret that was sent, only to look at its shape; it is never echoed. */
  readonly secret?: string;
  readonly method: AuthMethod;
  readonly clientId?: string;
  readonly tenant?: string;
  readonly authorityHost?: string;
  /** The environment variable an access token came from (`--access-token-env`). */
  readonly tokenEnvName?: string;
}

export interface AuthDiagnosis {
  readonly sentence: string;
  /** `AADSTS7000215`, msal's error code, or a network code. */
  readonly code: string;
  /** True when trying again later may work (network, 5xx at the authority); false when the admin must act. */
  readonly transient: boolean;
}

/** Entra client secrets (the Value, not the ID) are 40 characters long. */
const ENTRA_SECRET_LENGTH = 40;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** What YAML 1.1/1.2 reads as null when a value is left unquoted. */
const YAML_NULLS = new Set(['', 'null', 'Null', 'NULL', '~']);

const SECRETS_PAGE = 'Entra admin center > App registrations > your app > Certificates & secrets';

interface ErrorFacts {
  readonly aadsts?: string;
  readonly errorCode?: string;
  readonly status?: number;
  readonly text: string;
}

function factsOf(error: unknown): ErrorFacts {
  const record = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  const text = [record.errorMessage, record.message, record.subError]
    .filter((part): part is string => typeof part === 'string')
    .join(' ');
  const errorNo = typeof record.errorNo === 'string' || typeof record.errorNo === 'number' ? String(record.errorNo) : undefined;
  const fromText = /AADSTS(\d+)/.exec(text)?.[1];
  return {
    aadsts: fromText ?? errorNo,
    errorCode: typeof record.errorCode === 'string' ? record.errorCode : undefined,
    status: typeof record.status === 'number' ? record.status : undefined,
    text,
  };
}

function secretShapeHint(secret: string | undefined): string | undefined {
  if (secret === undefined) return undefined;
  const trimmed = secret.trim();
  if (YAML_NULLS.has(trimmed)) {
    return (
      'the secret is empty or a YAML null word (null, ~): if it comes from a YAML file, an empty or unquoted ' +
      '`~` value is read as null and an unquoted value starting with `!` is read as a tag; quote the secret'
    );
  }
  if (trimmed !== secret) {
    return 'the secret has leading or trailing whitespace; copy the Value exactly';
  }
  if (secret.length < ENTRA_SECRET_LENGTH) {
    return (
      `the secret is shorter than the ${ENTRA_SECRET_LENGTH} characters Entra secret values have, so it may ` +
      'have been cut short: in YAML an unquoted value ends at ` #` (a comment), so quote the secret, or check ' +
      'that it was copied whole'
    );
  }
  return undefined;
}

/** Turns an msal-node (or token endpoint) failure into one sentence the admin can act on. */
export function diagnoseAuthError(error: unknown, context: AuthContext): AuthDiagnosis {
  const facts = factsOf(error);
  const app = context.clientId ? `app ${context.clientId}` : 'the app';
  const tenant = context.tenant ? `tenant ${context.tenant}` : 'the tenant';
  const make = (code: string, sentence: string, transient = false): AuthDiagnosis => ({ code, sentence, transient });

  switch (facts.aadsts) {
    case '7000215': {
      if (context.secret !== undefined && GUID.test(context.secret.trim())) {
        return make(
          'AADSTS7000215',
          "Entra ID rejected the client secret (AADSTS7000215): this looks like the secret's ID; use its Value " +
            `(shown only once, when the secret was created under ${SECRETS_PAGE}).`,
        );
      }
      const hint = secretShapeHint(context.secret);
      if (hint !== undefined) {
        return make('AADSTS7000215', `Entra ID rejected the client secret (AADSTS7000215): ${hint}.`);
      }
      return make(
        'AADSTS7000215',
        `Entra ID rejected the client secret (AADSTS7000215): check that EML_IMPORT_CLIENT_SECRET holds the Value ` +
          `of a current secret of ${app} (not its ID, not another app's secret); see ${SECRETS_PAGE}.`,
      );
    }
    case '7000222':
      return make(
        'AADSTS7000222',
        `The client secret of ${app} has expired (AADSTS7000222): create a new one under ${SECRETS_PAGE} and set ` +
          'EML_IMPORT_CLIENT_SECRET to its Value.',
      );
    case '7000218':
      return make(
        'AADSTS7000218',
        'No client credential was sent (AADSTS7000218): set EML_IMPORT_CLIENT_SECRET, or use --certificate.',
      );
    case '700016':
      return make(
        'AADSTS700016',
        `Entra ID does not know ${app} in ${tenant} (AADSTS700016): check --client-id, and that --tenant is the ` +
          'tenant the app is registered in (or that an admin has consented to it there).',
      );
    case '90002':
      return make(
        'AADSTS90002',
        `${capitalise(tenant)} was not found (AADSTS90002): check --tenant (a domain such as ` +
          'contoso.onmicrosoft.com, or the directory ID) and --cloud.',
      );
    case '700027':
    case '700023':
      return make(
        `AADSTS${facts.aadsts}`,
        `Entra ID rejected the certificate assertion (AADSTS${facts.aadsts}): upload the public certificate ` +
          `(--certificate-public, or the certificate in the key file) to ${app} under ${SECRETS_PAGE}, and check ` +
          'that the private key belongs to it.',
      );
    case '700024':
      return make(
        'AADSTS700024',
        "Entra ID says the client assertion is outside its validity window (AADSTS700024): check this machine's clock.",
      );
    case '7000112':
      return make('AADSTS7000112', `${capitalise(app)} is disabled in ${tenant} (AADSTS7000112): enable it in Entra ID.`);
    case '500011':
      return make(
        'AADSTS500011',
        `${capitalise(tenant)} does not know the Graph resource the token was asked for (AADSTS500011): check that ` +
          '--cloud (or --graph-url) matches the cloud the tenant lives in.',
      );
    case undefined:
      break;
    default:
      return make(
        `AADSTS${facts.aadsts}`,
        `Entra ID refused the token request (AADSTS${facts.aadsts}); look the code up at ` +
          `https://login.microsoftonline.com/error?code=${facts.aadsts}.`,
        (facts.status ?? 0) >= 500,
      );
  }

  const host = context.authorityHost ?? 'the authority host';
  switch (facts.errorCode) {
    case 'network_error':
    case 'endpoints_resolution_error':
      return make(
        facts.errorCode,
        `Could not reach ${host} or read its OpenID discovery document for ${tenant} (${facts.errorCode}): check ` +
          'the network or proxy, --tenant, and --cloud / --authority-host.',
        true,
      );
    case 'authority_uri_insecure':
      return make(facts.errorCode, 'The authority host must be an https URL (--authority-host).');
    case 'invalid_client':
      return make(
        'invalid_client',
        `Entra ID rejected the credentials of ${app} (invalid_client): check the secret or certificate.`,
      );
    case 'token_expired':
      return make(
        'token_expired',
        tokenExpiredSentence(context),
      );
    default:
      break;
  }
  const status = facts.status;
  if (status !== undefined && status >= 500) {
    return make(`HTTP${status}`, `${capitalise(host)} answered ${status} to the token request; try again later.`, true);
  }
  return make(
    facts.errorCode ?? 'auth_failed',
    `Token acquisition failed (${facts.errorCode ?? 'unknown error'}): ${redact(firstLine(facts.text), context.secret)}`,
  );
}

export interface GraphErrorFacts {
  readonly status: number;
  readonly code?: string;
  readonly message?: string;
  /** The request path, to tell which permission was missing. */
  readonly path?: string;
  readonly mailbox?: string;
  readonly authMethod?: AuthMethod;
  readonly tokenEnvName?: string;
}

/** The permission a request needs: importMime is the only call that needs the advanced one. */
export function requiredPermission(path: string | undefined): 'Mail.ReadWrite' | 'Mail-Advanced.ReadWrite.All' {
  return path !== undefined && /\/importMime\b/i.test(path) ? 'Mail-Advanced.ReadWrite.All' : 'Mail.ReadWrite';
}

/** A sentence for the Graph answers that mean the admin must change something; undefined for the others. */
export function diagnoseGraphError(facts: GraphErrorFacts): string | undefined {
  const mailbox = facts.mailbox ?? mailboxOf(facts.path) ?? 'the mailbox';
  const code = facts.code ?? '';
  if (facts.status === 401) {
    if (facts.authMethod === 'token') {
      return `Graph rejected the access token (401 ${code || 'Unauthorized'}): ${tokenExpiredSentence(facts)}`;
    }
    return (
      `Graph rejected even a freshly acquired access token (401 ${code || 'Unauthorized'}): check that --cloud ` +
      "(or --graph-url) matches the tenant's cloud, since the token's audience must be that Graph host."
    );
  }
  if ((facts.status === 403 && code === 'ErrorQuotaExceeded') || facts.status === 507) {
    // A full mailbox answers 403 ErrorQuotaExceeded (microsoft-graph-docs-contrib#6596) or 507: no permission is missing.
    return mailboxFullSentence(mailbox, facts.status, code, facts.message);
  }
  if (facts.status === 403) {
    const permission = requiredPermission(facts.path);
    const advanced = permission === 'Mail-Advanced.ReadWrite.All';
    return (
      `Access to ${mailbox} was denied (403 ${code || 'Forbidden'}): the app needs the Microsoft Graph ` +
      `application permission ${permission}${advanced ? ' for the importMime upload method' : ''}; add it under ` +
      "App registrations > API permissions > Add a permission > Microsoft Graph > Application permissions, then " +
      "click 'Grant admin consent'. If it is already granted, an Exchange application access policy or RBAC " +
      `scope may exclude this mailbox${advanced ? '; or use --api v1.0, which needs only Mail.ReadWrite' : ''}.`
    );
  }
  if (facts.status === 404 && code === 'ErrorInvalidUser') {
    return `Mailbox ${mailbox} does not exist in this tenant (404 ErrorInvalidUser): check --mailbox or the map file.`;
  }
  if (facts.status === 404 && (code === 'MailboxNotEnabledForRESTAPI' || code === 'ResourceNotFound')) {
    return (
      `Mailbox ${mailbox} cannot be reached through Graph (404 ${code}): it is unlicensed, inactive, hosted ` +
      'on-premises or soft-deleted; assign an Exchange Online licence or check the address.'
    );
  }
  return undefined;
}

/** What to do about a mailbox that is over its quota. */
export function mailboxFullSentence(mailbox: string, status: number, code: string | undefined, message: string | undefined): string {
  const said = [String(status), code].filter(Boolean).join(' ') + (message ? `: ${message}` : '');
  return (
    `Mailbox ${mailbox} is full (${said}): free space in it, raise its quota or enable its archive (Exchange admin ` +
    'centre > Mailboxes > the user), then run the same command again'
  );
}

function tokenExpiredSentence(context: { tokenEnvName?: string }): string {
  const source = context.tokenEnvName ? `the environment variable ${context.tokenEnvName}` : '--access-token-env';
  return (
    `the token from ${source} has expired or was issued for another audience, and a ready-made token cannot be ` +
    'refreshed; get a new one, or use a client secret or certificate so the tool can renew tokens itself.'
  );
}

function mailboxOf(path: string | undefined): string | undefined {
  const match = path === undefined ? null : /\/users\/([^/?]+)/i.exec(path);
  if (!match?.[1]) return undefined;
  try {
    return decodeURIComponent(match[1]).replace(/^'|'$/g, '');
  } catch {
    return match[1];
  }
}

function firstLine(text: string): string {
  const line = text.split(/\r?\n| - Timestamp:| - Correlation ID:| - Trace ID:/)[0] ?? '';
  return line.trim() || 'no details';
}

/** Defence in depth: libraries should never echo the secret, but if one did, it stops here. */
export function redact(text: string, secret: string | undefined): string {
  if (secret === undefined || secret.length < 4) return text;
  return text.split(secret).join('[redacted]');
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
