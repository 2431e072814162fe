import type { CloudName } from './cloud.js';

/** How to reach the tenant and write to it: the credential's parts, the cloud, the upload method, the pace. */
export interface DestinationSettings {
  readonly tenant?: string;
  readonly clientId?: string;
  /** A PEM file with the private key (and the certificate, unless certificatePublic names it). */
  readonly certificate?: string;
  readonly certificatePublic?: string;
  /** The name of an environment variable holding a ready access token. */
  readonly accessTokenEnv?: string;
  readonly cloud: CloudName;
  readonly authorityHost?: string;
  readonly graphUrl?: string;
  readonly api: 'beta' | 'v1.0';
  /** Set when --api was not given and the cloud decided it: the sentence the command prints. */
  readonly apiNote?: string;
  /** Requests in flight per mailbox (--in-flight); lowered by itself for a mailbox that answers MailboxConcurrency 429s. */
  readonly inFlight: number;
}
