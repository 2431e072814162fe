/**
 * The three ways to authenticate, and the loading of their material. Secrets travel wrapped in `Secret`,
 * which prints as `[redacted]` however it is logged, serialised or inspected.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { inspect } from 'node:util';

/** The environment variable the client secret is read from: never a flag, which `ps` would show. */
export const SECRET_ENV = 'EML_IMPORT_CLIENT_SECRET';

export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The only way to the value; call it at the last moment, where the library needs it. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return '[redacted]';
  }

  toJSON(): string {
    return '[redacted]';
  }

  [inspect.custom](): string {
    return 'Secret([redacted])';
  }
}

export interface SecretCredential {
  readonly kind: 'secret';
  readonly secret: Secret;
}

export interface CertificateCredential {
  readonly kind: 'certificate';
  readonly privateKey: Secret;
  readonly certificatePem: string;
  /** Hex SHA-256 of the DER certificate, as msal-node and Entra expect. */
  readonly thumbprintSha256: string;
}

/**
 * A token obtained elsewhere (`--access-token-env NAME`). It cannot be refreshed: when it expires or Graph
 * rejects it, the run stops with a sentence saying so.
 */
export interface AccessTokenCredential {
  readonly kind: 'token';
  readonly token: Secret;
  /** The variable it was read from, to name in messages. */
  readonly envName: string;
}

export type Credential = SecretCredential | CertificateCredential | AccessTokenCredential;

export function secretCredential(secret: string): SecretCredential {
  return { kind: 'secret', secret: new Secret(secret) };
}

/** Reads an access token from the named environment variable; throws (without the value) when unset. */
export function accessTokenFromEnv(
  envName: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): AccessTokenCredential {
  const value = env[envName]?.trim();
  if (!value) throw new Error(`--access-token-env ${envName}: that environment variable is not set or empty`);
  return { kind: 'token', token: new Secret(value.replace(/^Bearer\s+/i, '')), envName };
}

/**
 * Builds a certificate credential from PEM text: the private key, and the public certificate either in the
 * same text or in `publicPem`.
 */
export function certificateCredential(keyPem: string, publicPem?: string): CertificateCredential {
  const keyBlock = pemBlocks(keyPem).find((block) => /PRIVATE KEY/.test(block.label));
  if (keyBlock === undefined) {
    throw new Error('--certificate: no private key (BEGIN PRIVATE KEY / BEGIN RSA PRIVATE KEY) in the file');
  }
  if (/ENCRYPTED/.test(keyBlock.label)) {
    throw new Error('--certificate: the private key is encrypted; decrypt it first (openssl pkcs8 -in key.pem -out plain.pem)');
  }
  const certBlock = pemBlocks(publicPem ?? keyPem).find((block) => block.label === 'CERTIFICATE');
  if (certBlock === undefined) {
    throw new Error(
      publicPem === undefined
        ? '--certificate: no certificate in the key file; pass the public certificate with --certificate-public'
        : '--certificate-public: no BEGIN CERTIFICATE block in the file',
    );
  }
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(certBlock.text);
  } catch {
    throw new Error('--certificate: the public certificate could not be read as X.509');
  }
  let matches: boolean;
  try {
    matches = certificate.checkPrivateKey(createPrivateKey(keyBlock.text));
  } catch {
    throw new Error('--certificate: the private key could not be read');
  }
  if (!matches) throw new Error('--certificate: the private key does not belong to the certificate');
  return {
    kind: 'certificate',
    privateKey: new Secret(keyBlock.text),
    certificatePem: certBlock.text,
    thumbprintSha256: certificate.fingerprint256.replace(/:/g, '').toLowerCase(),
  };
}

/** `--certificate key.pem [--certificate-public cert.pem]` from files. */
export async function loadCertificateCredential(keyPath: string, publicPath?: string): Promise<CertificateCredential> {
  const keyPem = await readFile(keyPath, 'utf8');
  const publicPem = publicPath === undefined ? undefined : await readFile(publicPath, 'utf8');
  return certificateCredential(keyPem, publicPem);
}

interface PemBlock {
  readonly label: string;
  readonly text: string;
}

function pemBlocks(pem: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  const pattern = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
  for (const match of pem.matchAll(pattern)) {
    blocks.push({ label: match[1] ?? '', text: `${match[0]}\n` });
  }
  return blocks;
}
