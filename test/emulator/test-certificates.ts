import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { certificateThumbprints } from './entra/client-assertion.js';

export interface ClientCertificateCredential {
  privateKeyPem: string;
  certificatePem: string;
  /** Hex SHA-256 of the DER certificate, what msal-node's clientCertificate.thumbprintSha256 wants. */
  thumbprintSha256: string;
}

export interface TestCertificates {
  serverCertPath: string;
  serverCertPem: string;
  serverKeyPem: string;
  client: ClientCertificateCredential;
}

/** The committed test-only certificates in ./certs. */
export function loadTestCertificates(): TestCertificates {
  const path = (name: string) => fileURLToPath(new URL(`./certs/${name}`, import.meta.url));
  const clientCertPem = readFileSync(path('client-cert.pem'), 'utf8');
  return {
    serverCertPath: path('server-cert.pem'),
    serverCertPem: readFileSync(path('server-cert.pem'), 'utf8'),
    serverKeyPem: readFileSync(path('server-key.pem'), 'utf8'),
    client: {
      privateKeyPem: readFileSync(path('client-key.pem'), 'utf8'),
      certificatePem: clientCertPem,
      thumbprintSha256: certificateThumbprints(clientCertPem).sha256.toString('hex').toUpperCase(),
    },
  };
}
