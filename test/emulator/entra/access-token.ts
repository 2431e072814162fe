import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const GRAPH_AUDIENCE = 'https://graph.microsoft.com';

export interface AccessTokenClaims {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  tid: string;
  appid: string;
  roles?: string[];
  /** The emulator's own record of roles granted in Exchange (ClientRegistration.rolesInExchange), which Graph honours. */
  emulator_exchange_roles?: string[];
  idtyp: 'app';
}

export type TokenCheck =
  | { ok: true; claims: AccessTokenClaims }
  | { ok: false; reason: 'malformed' | 'signature' | 'expired' | 'audience' };

/** A stable GUID per tenant name, so tokens carry a tid like Entra's. */
export function tenantIdFor(tenant: string): string {
  const hex = createHash('sha256').update(tenant.toLowerCase()).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function base64UrlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Reads a JWT segment without trusting it. */
export function decodeJwtPart(part: string | undefined): Record<string, unknown> | undefined {
  if (!part) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Issues and checks HS256 access tokens with a key only this emulator instance knows. */
export class AccessTokenSigner {
  constructor(private readonly key: Buffer) {}

  issue(claims: AccessTokenClaims): string {
    const signingInput = `${base64UrlJson({ typ: 'JWT', alg: 'HS256' })}.${base64UrlJson(claims)}`;
    return `${signingInput}.${this.sign(signingInput)}`;
  }

  check(token: string, nowSeconds: number): TokenCheck {
    const [header, payload, signature] = token.split('.');
    const claims = decodeJwtPart(payload) as AccessTokenClaims | undefined;
    if (!header || !claims || signature === undefined) return { ok: false, reason: 'malformed' };
    const expected = Buffer.from(this.sign(`${header}.${payload}`));
    const actual = Buffer.from(signature);
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return { ok: false, reason: 'signature' };
    if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds) return { ok: false, reason: 'expired' };
    if (claims.aud !== GRAPH_AUDIENCE) return { ok: false, reason: 'audience' };
    return { ok: true, claims };
  }

  private sign(input: string): string {
    return createHmac('sha256', this.key).update(input).digest('base64url');
  }
}
