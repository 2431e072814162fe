/**
 * Access tokens for Graph. Secret and certificate credentials go through msal-node's client-credentials
 * flow: msal caches the token and renews it before it expires, and this source reuses it without asking
 * msal until shortly before msal would renew it; `forceRefresh` (after a 401) skips both caches. A ready-made token (`--access-token-env`) is handed out as it is and cannot be renewed.
 */
import { createRequire } from 'node:module';
import type * as Msal from '@azure/msal-node';
import type { Configuration, INetworkModule } from '@azure/msal-node';
import { inspect } from 'node:util';
import { FatalError, RetryableError } from '../../accounting/errors.js';
import { diagnoseAuthError, type AuthContext, type AuthMethod } from './auth-diagnostics.js';
import { msalAuthority, type CloudEndpoints } from './cloud.js';
import type { AccessTokenCredential, Credential } from './credentials.js';

// msal-node's CommonJS build, one bundled file, loaded with require() (README, Development: start-up).
const { ConfidentialClientApplication, LogLevel } = createRequire(import.meta.url)('@azure/msal-node') as typeof Msal;

export interface TokenSource {
  getToken(options?: { forceRefresh?: boolean }): Promise<string>;
  /** How the token is obtained, so Graph errors can be explained (a static token cannot be refreshed). */
  readonly method?: AuthMethod;
  /** For a static token: the environment variable it came from. */
  readonly tokenEnvName?: string;
}

export interface TokenSourceOptions {
  readonly credential: Credential;
  /** Required for secret and certificate credentials. */
  readonly tenant?: string;
  readonly clientId?: string;
  readonly endpoints?: CloudEndpoints;
  /** Replaces msal's HTTP client (tests use it to record every URL msal contacts). */
  readonly networkClient?: INetworkModule;
}

export function createTokenSource(options: TokenSourceOptions): TokenSource {
  const credential = options.credential;
  if (credential.kind === 'token') return new StaticTokenSource(credential);
  if (!options.tenant || !options.clientId || !options.endpoints) {
    throw new Error('a client secret or certificate needs --tenant and --client-id');
  }
  const { authority, knownAuthorities } = msalAuthority(options.endpoints, options.tenant);
  const config: Configuration = {
    auth: {
      clientId: options.clientId,
      authority,
      ...(knownAuthorities ? { knownAuthorities } : {}),
      ...(credential.kind === 'secret'
        ? { clientSecret: credential.secret.reveal() }
        : {
            clientCertificate: {
              thumbprintSha256: credential.thumbprintSha256,
              privateKey: credential.privateKey.reveal(),
              x5c: credential.certificatePem,
            },
          }),
    },
    system: {
      // msal's own logs could carry request details; nothing of ours should reach a terminal unasked.
      loggerOptions: { piiLoggingEnabled: false, logLevel: LogLevel.Error, loggerCallback: () => undefined },
      ...(options.networkClient ? { networkClient: options.networkClient } : {}),
    },
  };
  const context: AuthContext = {
    method: credential.kind,
    secret: credential.kind === 'secret' ? credential.secret.reveal() : undefined,
    clientId: options.clientId,
    tenant: options.tenant,
    authorityHost: options.endpoints.authorityHost,
  };
  return new MsalTokenSource(new ConfidentialClientApplication(config), options.endpoints.scope, authority, context);
}

/**
 * msal renews a token 300 s before it expires (its tokenRenewalOffsetSeconds); we stop reusing ours a
 * little earlier, so every renewal still goes through msal. A token that lives less than twice that (a
 * test server's; Entra's live 10 minutes at least) is reused for half its life: with the fixed margin,
 * one of 305 s or less was 'expired' from the start, and every Graph request asked for a new one (a probe).
 */
const REUSE_MARGIN_MS = 305_000;

function reuseMargin(lifetimeMs: number): number {
  return Math.min(REUSE_MARGIN_MS, lifetimeMs / 2);
}

class MsalTokenSource implements TokenSource {
  readonly method: AuthMethod;
  // Private fields: util.inspect and JSON.stringify never see msal's configuration (which holds the secret).
  readonly #app: Msal.ConfidentialClientApplication;
  readonly #scope: string;
  readonly #authority: string;
  readonly #context: AuthContext;
  #pending: Promise<string> | undefined;
  #pendingForced = false;
  /**
   * The last token and until when it is handed out without asking msal: msal's cache lookup costs more
   * CPU per call than the rest of a request's own work (profile of bench:estate), and every request asks.
   */
  #reuse: { readonly token: string; readonly until: number } | undefined;

  constructor(app: Msal.ConfidentialClientApplication, scope: string, authority: string, context: AuthContext) {
    this.#app = app;
    this.#scope = scope;
    this.#authority = authority;
    this.#context = context;
    this.method = context.method;
  }

  getToken(options: { forceRefresh?: boolean } = {}): Promise<string> {
    const force = options.forceRefresh === true;
    if (!force && this.#reuse !== undefined && Date.now() < this.#reuse.until) return Promise.resolve(this.#reuse.token);
    // Concurrent callers share one acquisition; a forced refresh only joins another forced one.
    if (this.#pending && (this.#pendingForced || !force)) return this.#pending;
    const pending = this.#acquire(force).finally(() => {
      if (this.#pending === pending) this.#pending = undefined;
    });
    this.#pending = pending;
    this.#pendingForced = force;
    return pending;
  }

  async #acquire(force: boolean): Promise<string> {
    let result;
    try {
      result = await this.#app.acquireTokenByClientCredential({ scopes: [this.#scope], skipCache: force });
    } catch (error) {
      const diagnosis = diagnoseAuthError(await this.#explain(error), this.#context);
      throw diagnosis.transient
        ? new RetryableError(diagnosis.sentence, diagnosis.code)
        : new FatalError(diagnosis.sentence, diagnosis.code);
    }
    if (!result?.accessToken) throw new FatalError('The authority returned no access token', 'no_token');
    const expiresOn = result.expiresOn?.getTime();
    this.#reuse = expiresOn === undefined ? undefined : { token: result.accessToken, until: expiresOn - reuseMargin(expiresOn - Date.now()) };
    return result.accessToken;
  }

  /**
   * msal reports any failed OpenID discovery as endpoints_resolution_error, whether the host was unreachable
   * or Entra answered "tenant not found". One direct look at the discovery document tells the two apart.
   */
  async #explain(error: unknown): Promise<unknown> {
    if ((error as { errorCode?: unknown } | null)?.errorCode !== 'endpoints_resolution_error') return error;
    try {
      const response = await fetch(`${this.#authority}/v2.0/.well-known/openid-configuration`, {
        signal: AbortSignal.timeout(10_000),
      });
      const body = (await response.json()) as { error_description?: unknown; error?: unknown };
      if (response.ok || typeof body.error_description !== 'string') return error;
      return { errorCode: typeof body.error === 'string' ? body.error : 'discovery_failed', errorMessage: body.error_description, status: response.status };
    } catch {
      return error;
    }
  }

  toString(): string {
    return `MsalTokenSource(${this.method})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

class StaticTokenSource implements TokenSource {
  readonly method = 'token' as const;
  readonly tokenEnvName: string;
  readonly #credential: AccessTokenCredential;

  constructor(credential: AccessTokenCredential) {
    this.#credential = credential;
    this.tokenEnvName = credential.envName;
  }

  async getToken(options: { forceRefresh?: boolean } = {}): Promise<string> {
    const sentence = diagnoseAuthError({ errorCode: 'token_expired' }, { method: 'token', tokenEnvName: this.tokenEnvName }).sentence;
    if (options.forceRefresh) throw new FatalError(capitalise(sentence), 'token_expired');
    const token = this.#credential.token.reveal();
    const expiresAt = jwtExpiry(token);
    // A JWT past its exp would only earn 401s; say so before the first request.
    if (expiresAt !== undefined && expiresAt <= Date.now()) throw new FatalError(capitalise(sentence), 'token_expired');
    return token;
  }

  toString(): string {
    return `StaticTokenSource(${this.tokenEnvName})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/** The `exp` claim of a JWT, in milliseconds; undefined for opaque tokens. Not a validation. */
function jwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
