import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfidentialClientApplication } from '@azure/msal-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRAPH_SCOPE, graphWithToken, msalFor, tokenFor, failure } from './clients.js';
import { startEmulator, type Emulator } from './index.js';

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('Entra emulation through @azure/msal-node', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('issues a token for a client secret, after discovery served by the emulator alone', async () => {
    const token = await tokenFor(msalFor(emulator));
    const claims = claimsOf(token);
    expect(claims).toMatchObject({ tid: emulator.tenantId, appid: emulator.clientId, aud: 'https://graph.microsoft.com' });
    expect(claims['roles']).toEqual(['Mail.ReadWrite', 'Mail-Advanced.ReadWrite.All']);
    expect(claims['exp']).toBeGreaterThan(Date.now() / 1000 + 3000);
    const paths = emulator.inspect.requests().map((request) => request.path);
    expect(paths).toContain(`/${emulator.tenant}/v2.0/.well-known/openid-configuration`);
    expect(paths.some((path) => path.endsWith('/oauth2/v2.0/token'))).toBe(true);
  });

  it('advertises only endpoints on the emulator in its OpenID configuration', async () => {
    const response = await fetch(`${emulator.url}/${emulator.tenant}/v2.0/.well-known/openid-configuration`);
    const config = (await response.json()) as Record<string, unknown>;
    const urls = Object.values(config).filter((value): value is string => typeof value === 'string' && value.startsWith('http'));
    expect(urls.length).toBeGreaterThanOrEqual(5);
    for (const url of urls) expect(url.startsWith(`${emulator.url}/`)).toBe(true);
    expect(config['issuer']).toBe(`${emulator.url}/${emulator.tenantId}/v2.0`);
  });

  it('issues a token for the certificate credential (PS256, x5t#S256)', async () => {
    const token = await tokenFor(msalFor(emulator, { certificate: emulator.certificate }));
    expect(claimsOf(token)['appid']).toBe(emulator.clientId);
  });

  it('accepts the deprecated SHA-1 thumbprint form (RS256, x5t)', async () => {
    const { createHash, X509Certificate } = await import('node:crypto');
    const sha1 = createHash('sha1').update(new X509Certificate(emulator.certificate.certificatePem).raw).digest('hex');
    const app = new ConfidentialClientApplication({
      auth: {
        clientId: emulator.clientId,
        authority: `${emulator.url}/${emulator.tenant}`,
        knownAuthorities: [new URL(emulator.url).host],
        clientCertificate: { thumbprint: sha1, privateKey: emulator.certificate.privateKeyPem },
      },
    });
    expect(claimsOf(await tokenFor(app))['appid']).toBe(emulator.clientId);
  });

  it('rejects an assertion signed by a certificate the app does not have (AADSTS700027)', async () => {
    const certPath = fileURLToPath(new URL('./certs/server-cert.pem', import.meta.url));
    const keyPath = fileURLToPath(new URL('./certs/server-key.pem', import.meta.url));
    const { createHash, X509Certificate } = await import('node:crypto');
    const certificatePem = readFileSync(certPath, 'utf8');
    const stranger = {
      certificatePem,
      privateKeyPem: readFileSync(keyPath, 'utf8'),
      thumbprintSha256: createHash('sha256').update(new X509Certificate(certificatePem).raw).digest('hex'),
    };
    const error = await failure(tokenFor(msalFor(emulator, { certificate: stranger })));
    expect(error).toMatchObject({ errorCode: 'invalid_client', errorNo: 700027, status: 401 });
  });

  it('answers a wrong secret with Entra\'s AADSTS7000215 invalid_client', async () => {
    const error = await failure(tokenFor(msalFor(emulator, { clientSecret: 'the-secret-id-not-its-value' })));
    expect(error).toMatchObject({ errorCode: 'invalid_client', errorNo: 7000215, status: 401 });
    expect(String(error['errorMessage'])).toContain(
      `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${emulator.clientId}'.`,
    );
  });

  it('answers an unknown client with AADSTS700016', async () => {
    const error = await failure(tokenFor(msalFor(emulator, { clientSecret: 'x' }, '99999999-0000-4000-8000-000000000000')));
    expect(error).toMatchObject({ errorCode: 'unauthorized_client', errorNo: 700016 });
  });

  it('answers a request without any credential with AADSTS7000218 (raw form: msal refuses to send one)', async () => {
    const response = await fetch(`${emulator.url}/${emulator.tenant}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: emulator.clientId, scope: GRAPH_SCOPE, grant_type: 'client_credentials' }),
    });
    const body = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBe(401);
    expect(body).toMatchObject({ error: 'invalid_client', error_codes: [7000218] });
    expect(String(body['error_description'])).toMatch(/^AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'\. Trace ID: /);
  });

  it('fails discovery for an unknown tenant', async () => {
    const app = new ConfidentialClientApplication({
      auth: {
        clientId: emulator.clientId,
        clientSecret: emulator.clientSecret,
        authority: `${emulator.url}/fabrikam.onmicrosoft.com`,
        knownAuthorities: [new URL(emulator.url).host],
      },
    });
    await expect(app.acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE] })).rejects.toThrow();
  });

  it('gives tokens the configured lifetime; Graph refuses them once expired', async () => {
    emulator.configure({ tokenLifetimeSeconds: 0 });
    try {
      const token = await tokenFor(msalFor(emulator));
      const error = await failure(graphWithToken(emulator, token).api('/users/ann@contoso.onmicrosoft.com/mailFolders').get());
      expect(error).toMatchObject({ statusCode: 401, code: 'InvalidAuthenticationToken' });
    } finally {
      emulator.configure({ tokenLifetimeSeconds: 3599 });
    }
  });
});
