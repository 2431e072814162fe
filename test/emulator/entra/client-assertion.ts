import { X509Certificate, constants, createHash, verify } from 'node:crypto';
import { decodeJwtPart } from './access-token.js';

export type AssertionCheck =
  | { ok: true }
  | { ok: false; reason: 'malformed' | 'unknown-key' | 'signature' | 'expired' | 'claims'; detail?: string };

/** Thumbprints a certificate the way Entra identifies it: SHA-1 for x5t, SHA-256 for x5t#S256. */
export function certificateThumbprints(certificatePem: string): { sha1: Buffer; sha256: Buffer } {
  const der = new X509Certificate(certificatePem).raw;
  return { sha1: createHash('sha1').update(der).digest(), sha256: createHash('sha256').update(der).digest() };
}

/**
 * Verifies a client_assertion JWT (RS256 or PS256) against the certificate registered for the app, and checks
 * aud (the token endpoint), iss = sub = client id and the validity window.
 */
export function checkClientAssertion(
  assertion: string,
  expected: { clientId: string; audiences: string[]; certificatePem: string; nowSeconds: number },
): AssertionCheck {
  const [headerPart, payloadPart, signaturePart] = assertion.split('.');
  const header = decodeJwtPart(headerPart);
  const payload = decodeJwtPart(payloadPart);
  if (!header || !payload || !signaturePart) return { ok: false, reason: 'malformed' };

  const thumbprints = certificateThumbprints(expected.certificatePem);
  const x5tS256 = header['x5t#S256'];
  const x5t = header['x5t'];
  const keyMatches =
    (typeof x5tS256 === 'string' && Buffer.from(x5tS256, 'base64url').equals(thumbprints.sha256)) ||
    (typeof x5t === 'string' && Buffer.from(x5t, 'base64url').equals(thumbprints.sha1));
  if (!keyMatches) return { ok: false, reason: 'unknown-key' };

  const publicKey = new X509Certificate(expected.certificatePem).publicKey;
  const signingInput = Buffer.from(`${headerPart}.${payloadPart}`);
  const signature = Buffer.from(signaturePart, 'base64url');
  let valid: boolean;
  if (header['alg'] === 'RS256') {
    valid = verify('sha256', signingInput, publicKey, signature);
  } else if (header['alg'] === 'PS256') {
    valid = verify(
      'sha256',
      signingInput,
      { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST },
      signature,
    );
  } else {
    return { ok: false, reason: 'signature', detail: `unsupported alg ${String(header['alg'])}` };
  }
  if (!valid) return { ok: false, reason: 'signature' };

  const { exp, nbf, aud, iss, sub } = payload;
  if (typeof exp !== 'number' || exp <= expected.nowSeconds) return { ok: false, reason: 'expired' };
  // Entra tolerates five minutes of clock skew on nbf.
  if (typeof nbf === 'number' && nbf > expected.nowSeconds + 300) return { ok: false, reason: 'expired' };
  if (typeof aud !== 'string' || !expected.audiences.includes(aud)) return { ok: false, reason: 'claims', detail: 'aud' };
  if (iss !== expected.clientId || sub !== expected.clientId) return { ok: false, reason: 'claims', detail: 'iss/sub' };
  return { ok: true };
}
