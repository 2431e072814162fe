import { ServerError } from '@azure/msal-node';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FatalError, RetryableError } from '../../src/accounting/errors.js';
import { diagnoseAuthError, diagnoseGraphError } from '../../src/destination/graph/auth-diagnostics.js';
import { resolveEndpoints } from '../../src/destination/graph/cloud.js';
import {
  Secret,
  accessTokenFromEnv,
  certificateCredential,
  secretCredential,
  type Credential,
} from '../../src/destination/graph/credentials.js';
import { createTokenSource } from '../../src/destination/graph/token-source.js';
import { startEmulator, type Emulator } from '../emulator/index.js';

const CERTS = new URL('../emulator/certs/', import.meta.url);
const CLIENT_KEY = readFileSync(new URL('client-key.pem', CERTS), 'utf8');
const CLIENT_CERT = readFileSync(new URL('client-cert.pem', CERTS), 'utf8');
const SERVER_CERT = readFileSync(new URL('server-cert.pem', CERTS), 'utf8');

/** The shape msal-node gives an Entra error (ServerError: errorCode, errorNo, status, errorMessage). */
function entraError(aadsts: number, description: string, status = 401): ServerError {
  return new ServerError(
    'invalid_client',
    'correlation-id',
    `Error(s): ${aadsts} - Timestamp: 2026-11-22 12:00:00Z - Description: AADSTS${aadsts}: ${description} Trace ID: x - Correlation ID: y`,
    '',
    String(aadsts),
    status,
  );
}

const WRONG_SECRET = entraError(
  7000215,
  "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '1111'.",
);

describe('diagnoseAuthError', () => {
  it('a GUID-shaped secret is recognised as the secret ID', () => {
    const secret = '8f0d1c2e-3b4a-4c5d-9e6f-7a8b9c0d1e2f';
    const { sentence, code, transient } = diagnoseAuthError(WRONG_SECRET, { secret, method: 'secret' });
    expect(sentence).toMatch(/this looks like the secret's ID; use its Value/);
    expect(sentence).not.toContain(secret);
    expect(code).toBe('AADSTS7000215');
    expect(transient).toBe(false);
  });

  it.each(['null', '~', '', 'NULL'])('a secret that came out as YAML null (%j) says so', (secret) => {
    const { sentence } = diagnoseAuthError(WRONG_SECRET, { secret, method: 'secret' });
    expect(sentence).toMatch(/YAML/);
    expect(sentence).toMatch(/null/);
    expect(sentence).toMatch(/quote/);
  });

  it('a secret shorter than 40 characters hints at YAML truncation at " #", without echoing it', () => {
    const secret = 'Abc8Q~kLm';
    const { sentence } = diagnoseAuthError(WRONG_SECRET, { secret, method: 'secret' });
    expect(sentence).toMatch(/40 characters/);
    expect(sentence).toMatch(/ #/);
    expect(sentence).not.toContain(secret);
  });

  it('a full-length wrong secret gets the plain AADSTS7000215 sentence', () => {
    const secret = 'Abc8Q~kLmnopqrstuvwxyzABCDEFGHIJKLMNOPQR';
    expect(secret).toHaveLength(40);
    const { sentence } = diagnoseAuthError(WRONG_SECRET, { secret, method: 'secret', clientId: 'app-1' });
    expect(sentence).toMatch(/AADSTS7000215/);
    expect(sentence).toMatch(/EML_IMPORT_CLIENT_SECRET/);
    expect(sentence).toMatch(/app-1/);
    expect(sentence).not.toMatch(/ID; use its Value|YAML|40 characters/);
    expect(sentence).not.toContain(secret);
  });

  it.each([
    [7000222, 'The provided client secret keys for app are expired.', /expired.*new one/],
    [700016, "Application with identifier 'x' was not found in the directory 'y'.", /--client-id.*--tenant/],
    [90002, "Tenant 'nope.onmicrosoft.com' not found.", /--tenant/],
    [7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.", /EML_IMPORT_CLIENT_SECRET/],
    [700027, 'Client assertion contains an invalid signature.', /certificate/],
  ])('AADSTS%i gets its own sentence', (aadsts, description, pattern) => {
    const { sentence, code } = diagnoseAuthError(entraError(aadsts, description, 400), {
      method: 'secret',
      secret: 'x'.repeat(40),
      tenant: 'nope.onmicrosoft.com',
    });
    expect(code).toBe(`AADSTS${aadsts}`);
    expect(sentence).toMatch(pattern);
  });

  it('network trouble is transient and points at the host', () => {
    const error = Object.assign(new Error('network_error: Network request failed'), { errorCode: 'network_error' });
    const diagnosis = diagnoseAuthError(error, { method: 'certificate', authorityHost: 'https://login.example.test' });
    expect(diagnosis.transient).toBe(true);
    expect(diagnosis.sentence).toMatch(/login\.example\.test/);
  });

  it('an unknown failure never leaks the secret, even if a library echoed it', () => {
    const secret = 'Zyx8Q~supersecretvalue0123456789abcdefgh';
    const error = Object.assign(new Error(`something odd with ${secret}`), { errorCode: 'odd' });
    expect(diagnoseAuthError(error, { method: 'secret', secret }).sentence).not.toContain(secret);
  });
});

describe('diagnoseGraphError', () => {
  it('403 on folders asks for Mail.ReadWrite with admin consent', () => {
    const sentence = diagnoseGraphError({ status: 403, code: 'ErrorAccessDenied', path: '/users/ann%40contoso.com/mailFolders' });
    expect(sentence).toMatch(/ann@contoso\.com/);
    expect(sentence).toMatch(/Mail\.ReadWrite\b/);
    expect(sentence).toMatch(/Grant admin consent/);
  });

  it('403 on importMime asks for Mail-Advanced.ReadWrite.All', () => {
    const sentence = diagnoseGraphError({ status: 403, code: 'ErrorAccessDenied', path: '/beta/users/ann@contoso.com/mailFolders/x/importMime' });
    expect(sentence).toMatch(/Mail-Advanced\.ReadWrite\.All/);
  });

  it('404 ErrorInvalidUser and MailboxNotEnabledForRESTAPI name the mailbox', () => {
    expect(diagnoseGraphError({ status: 404, code: 'ErrorInvalidUser', mailbox: 'zed@contoso.com' })).toMatch(/zed@contoso\.com does not exist/);
    expect(diagnoseGraphError({ status: 404, code: 'MailboxNotEnabledForRESTAPI', mailbox: 'zed@contoso.com' })).toMatch(/licen/);
  });

  it('401 InvalidAuthenticationToken explains audience / static token', () => {
    expect(diagnoseGraphError({ status: 401, code: 'InvalidAuthenticationToken' })).toMatch(/audience/);
    expect(diagnoseGraphError({ status: 401, code: 'InvalidAuthenticationToken', authMethod: 'token', tokenEnvName: 'TOK' })).toMatch(/TOK.*cannot be\s+refreshed/);
  });

  it('is silent about errors that are not the admin’s to fix', () => {
    expect(diagnoseGraphError({ status: 400, code: 'ErrorMimeContentInvalidBase64String' })).toBeUndefined();
  });
});

describe('credentials', () => {
  it('derives the SHA-256 thumbprint from the public certificate (separate file)', () => {
    const credential = certificateCredential(CLIENT_KEY, CLIENT_CERT);
    // Computed independently: SHA-256 over the DER bytes inside the PEM (what openssl -fingerprint -sha256 prints).
    const der = Buffer.from(CLIENT_CERT.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
    expect(credential.thumbprintSha256).toBe(createHash('sha256').update(der).digest('hex'));
    expect(credential.thumbprintSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('finds the certificate in the same PEM as the key', () => {
    expect(certificateCredential(`${CLIENT_KEY}\n${CLIENT_CERT}`).thumbprintSha256).toBe(
      certificateCredential(CLIENT_KEY, CLIENT_CERT).thumbprintSha256,
    );
  });

  it('explains a missing certificate, a missing key, and a key that is not the certificate’s', () => {
    expect(() => certificateCredential(CLIENT_KEY)).toThrow(/--certificate-public/);
    expect(() => certificateCredential(CLIENT_CERT)).toThrow(/no private key/);
    expect(() => certificateCredential(CLIENT_KEY, SERVER_CERT)).toThrow(/does not belong/);
  });

  it('refuses an encrypted key with a way out', () => {
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 1024,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    expect(() => certificateCredential(privateKey, CLIENT_CERT)).toThrow(/encrypted.*openssl/);
  });

  it('reads an access token from the named variable, and names (not shows) a missing one', () => {
    const credential = accessTokenFromEnv('MY_TOKEN', { MY_TOKEN: 'Bearer eyJ.abc.def' });
    expect(credential.token.reveal()).toBe('eyJ.abc.def');
    expect(() => accessTokenFromEnv('NOPE', {})).toThrow(/NOPE/);
  });

  it('secrets never show in String(), JSON or inspect, even nested', () => {
    const value = 'Zyx8Q~supersecretvalue0123456789abcdefgh';
    const credential = secretCredential(value);
    const certificate = certificateCredential(CLIENT_KEY, CLIENT_CERT);
    const keyBody = CLIENT_KEY.split('\n')[1]!;
    for (const text of [
      String(credential.secret),
      `${new Secret(value)}`,
      JSON.stringify(credential),
      inspect(credential, { depth: 10, showHidden: true }),
      JSON.stringify(certificate),
      inspect(certificate, { depth: 10, showHidden: true }),
    ]) {
      expect(text).not.toContain(value);
      expect(text).not.toContain(keyBody);
    }
  });

  it('a token source shows nothing of its credential when logged', () => {
    const value = 'Zyx8Q~supersecretvalue0123456789abcdefgh';
    const source = createTokenSource({
      credential: secretCredential(value),
      tenant: 'contoso.onmicrosoft.com',
      clientId: '11111111-2222-4333-8444-555555555555',
      endpoints: resolveEndpoints({}),
    });
    expect(inspect(source, { depth: 10, showHidden: true })).not.toContain(value);
    expect(JSON.stringify(source)).not.toContain(value);
    expect(String(source)).not.toContain(value);
  });

  it('a static token source cannot refresh, and refuses an expired JWT up front', async () => {
    const jwt = (exp: number) =>
      ['e30', Buffer.from(JSON.stringify({ exp })).toString('base64url'), 'sig'].join('.');
    const fresh = createTokenSource({ credential: accessTokenFromEnv('TOK', { TOK: jwt(Date.now() / 1000 + 3600) }) });
    await expect(fresh.getToken()).resolves.toMatch(/^e30\./);
    await expect(fresh.getToken({ forceRefresh: true })).rejects.toBeInstanceOf(FatalError);
    await expect(fresh.getToken({ forceRefresh: true })).rejects.toThrow(/TOK.*cannot be\s+refreshed/);
    const stale = createTokenSource({ credential: accessTokenFromEnv('TOK', { TOK: jwt(Date.now() / 1000 - 60) }) });
    await expect(stale.getToken()).rejects.toThrow(/expired/);
  });
});

describe('token acquisition against the emulator (msal-node)', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(async () => {
    await emulator.close();
  });

  const endpoints = () => resolveEndpoints({ authorityHost: emulator.url, graphUrl: emulator.url });
  const sourceFor = (credential: Credential) =>
    createTokenSource({ credential, tenant: emulator.tenant, clientId: emulator.clientId, endpoints: endpoints() });
  const tokenRequests = () => emulator.inspect.requests().filter((request) => request.path.endsWith('/oauth2/v2.0/token'));
  const claimsOf = (token: string) =>
    JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

  it('with a client secret', async () => {
    const token = await sourceFor(secretCredential(emulator.clientSecret)).getToken();
    expect(claimsOf(token)).toMatchObject({ appid: emulator.clientId, aud: 'https://graph.microsoft.com' });
  });

  it('with a certificate, thumbprint derived from the PEM', async () => {
    const credential = certificateCredential(emulator.certificate.privateKeyPem, emulator.certificate.certificatePem);
    expect(credential.thumbprintSha256).toBe(emulator.certificate.thumbprintSha256.toLowerCase());
    const token = await sourceFor(credential).getToken();
    expect(claimsOf(token)['appid']).toBe(emulator.clientId);
  });

  it('msal caches the token; forceRefresh fetches a new one; concurrent callers share a request', async () => {
    const source = sourceFor(secretCredential(emulator.clientSecret));
    const before = tokenRequests().length;
    const first = await source.getToken();
    expect(await source.getToken()).toBe(first);
    expect(tokenRequests().length - before).toBe(1);
    const forced = await Promise.all([source.getToken({ forceRefresh: true }), source.getToken({ forceRefresh: true })]);
    expect(forced[0]).toBe(forced[1]);
    expect(tokenRequests().length - before).toBe(2);
  });

  async function failure(secret: string): Promise<FatalError> {
    const error = await sourceFor(secretCredential(secret))
      .getToken()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FatalError);
    return error as FatalError;
  }

  it('a wrong secret gives the AADSTS7000215 sentence, without the secret', async () => {
    const secret = 'Wrong8Q~abcdefghijklmnopqrstuvwxyz0123456';
    const error = await failure(secret);
    expect(error.code).toBe('AADSTS7000215');
    expect(error.message).toMatch(/EML_IMPORT_CLIENT_SECRET/);
    expect(error.message).not.toContain(secret);
    expect(inspect(error)).not.toContain(secret);
  });

  it("a GUID-shaped secret is the secret's ID", async () => {
    const error = await failure('0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d');
    expect(error.message).toMatch(/this looks like the secret's ID; use its Value/);
  });

  it('a secret that YAML turned into null says so', async () => {
    const error = await failure('null');
    expect(error.message).toMatch(/YAML null/);
  });

  it('an unknown tenant is told apart from an unreachable host', async () => {
    const error = await createTokenSource({
      credential: secretCredential(emulator.clientSecret),
      tenant: 'nope.onmicrosoft.com',
      clientId: emulator.clientId,
      endpoints: endpoints(),
    })
      .getToken()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FatalError);
    expect((error as FatalError).message).toMatch(/nope\.onmicrosoft\.com was not found \(AADSTS90002\)/);
  });

  it('an unreachable authority host is a transient (retryable) failure', async () => {
    const error = await createTokenSource({
      credential: secretCredential(emulator.clientSecret),
      tenant: emulator.tenant,
      clientId: emulator.clientId,
      // Port 1 on loopback: nothing listens there.
      endpoints: resolveEndpoints({ authorityHost: 'https://127.0.0.1:1', graphUrl: emulator.url }),
    })
      .getToken()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).message).toMatch(/127\.0\.0\.1:1/);
  });

  it('an unknown app gets its own sentence', async () => {
    const unknownApp = await createTokenSource({
      credential: secretCredential(emulator.clientSecret),
      tenant: emulator.tenant,
      clientId: '99999999-9999-4999-8999-999999999999',
      endpoints: endpoints(),
    })
      .getToken()
      .catch((caught: unknown) => caught);
    expect(unknownApp).toBeInstanceOf(FatalError);
    expect((unknownApp as FatalError).message).toMatch(/AADSTS700016.*--client-id/);
  });
});
