import { ConfidentialClientApplication } from '@azure/msal-node';
import { Client } from '@microsoft/microsoft-graph-client';
import type { Emulator } from './index.js';

export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

/** Node reads NODE_EXTRA_CA_CERTS only at start-up; without it every TLS handshake fails obscurely. */
function requireTrustedEmulator(emulator: Emulator): void {
  if (!process.env['NODE_EXTRA_CA_CERTS']) {
    throw new Error(`Start the test process with NODE_EXTRA_CA_CERTS=${emulator.caFile} so Node trusts the emulator.`);
  }
}

/** msal-node pointed at the emulator exactly as the importer will be: authority + knownAuthorities. */
export function msalFor(
  emulator: Emulator,
  credential: { clientSecret: string } | { certificate: Emulator['certificate'] } = { clientSecret: emulator.clientSecret },
  clientId: string = emulator.clientId,
): ConfidentialClientApplication {
  requireTrustedEmulator(emulator);
  const auth =
    'clientSecret' in credential
      ? { clientSecret: credential.clientSecret }
      : {
          clientCertificate: {
            thumbprintSha256: credential.certificate.thumbprintSha256,
            privateKey: credential.certificate.privateKeyPem,
          },
        };
  return new ConfidentialClientApplication({
    auth: {
      clientId,
      authority: `${emulator.url}/${emulator.tenant}`,
      knownAuthorities: [new URL(emulator.url).host],
      ...auth,
    },
  });
}

/** `fresh` bypasses msal's cache, so the token endpoint is really exercised. */
export async function tokenFor(app: ConfidentialClientApplication, fresh = true): Promise<string> {
  const result = await app.acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE], skipCache: fresh });
  if (!result) throw new Error('no token');
  return result.accessToken;
}

/** The Graph client the importer uses, with its default middleware (retry handler included). */
export function graphFor(emulator: Emulator, app: ConfidentialClientApplication = msalFor(emulator)): Client {
  return Client.init({
    baseUrl: emulator.url,
    customHosts: new Set([new URL(emulator.url).hostname]),
    authProvider: (done) => {
      tokenFor(app, false).then(
        (token) => done(null, token),
        (error: unknown) => done(error, null),
      );
    },
  });
}

/** A Graph client with a fixed token (or none), to exercise 401s. */
export function graphWithToken(emulator: Emulator, token: string): Client {
  return Client.init({
    baseUrl: emulator.url,
    customHosts: new Set([new URL(emulator.url).hostname]),
    authProvider: (done) => done(null, token),
  });
}

export function base64Mime(lines: string[]): string {
  return Buffer.from(lines.join('\r\n')).toString('base64');
}

/** The error a promise rejects with; the test fails if it does not reject. */
export async function failure(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Record<string, unknown>;
  }
  throw new Error('expected a failure');
}
