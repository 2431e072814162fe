import type { AccessTokenClaims, AccessTokenSigner } from '../entra/access-token.js';
import { graphErrors } from './errors.js';

/** Checks the bearer token the way Graph does: presence, signature, lifetime, audience. */
export function authenticate(authorization: string | undefined, signer: AccessTokenSigner): AccessTokenClaims {
  const match = /^Bearer\s+(\S*)$/i.exec(authorization ?? '');
  const token = match?.[1] ?? '';
  if (token === '') throw graphErrors.emptyToken();
  const check = signer.check(token, Math.floor(Date.now() / 1000));
  if (check.ok) return check.claims;
  switch (check.reason) {
    case 'expired':
      throw graphErrors.expiredToken();
    case 'audience':
      throw graphErrors.invalidToken('Access token validation failure. Invalid audience.');
    case 'malformed':
      throw graphErrors.invalidToken('IDX14100: JWT is not well formed, there are no dots (.).');
    default:
      throw graphErrors.invalidToken('Access token validation failure.');
  }
}
