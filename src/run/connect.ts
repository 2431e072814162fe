import { resolveEndpoints, type CloudEndpoints } from '../destination/graph/cloud.js';
import { accessTokenFromEnv, loadCertificateCredential, secretCredential, SECRET_ENV, type Credential } from '../destination/graph/credentials.js';
import { createTokenSource, type TokenSource } from '../destination/graph/token-source.js';
import { GraphHttp } from '../destination/graph/graph-http.js';
import { createGraphDestination } from '../destination/graph/index.js';
import { runPreflight, type Check } from './preflight.js';
import { UsageError } from '../accounting/errors.js';
import type { RunIo } from './io.js';
import type { TenantOptions } from './run-options.js';
import type { Stats } from '../accounting/stats.js';
import type { DestinationEvents, MailboxDestination } from '../destination/types.js';
import type { GraphRequester } from '../destination/graph/graph-requester.js';

export { SECRET_ENV };

export interface Connection {
  /** Every request of this run goes through it (one governor per mailbox); doctor's write test uses it too. */
  readonly http: GraphRequester;
  destinationFor(mailbox: string): MailboxDestination;
  /** The doctor's checklist: token, permissions for the upload method, each mailbox reachable. */
  checks(mailboxes: readonly string[], options?: { readonly now?: Date }): Promise<Check[]>;
  /** The failed checks as sentences; empty when the import may start. */
  preflight(mailboxes: readonly string[]): Promise<string[]>;
}

async function credentialFrom(options: TenantOptions, io: RunIo): Promise<Credential> {
  if (options.accessTokenEnv) return accessTokenFromEnv(options.accessTokenEnv, io.env);
  if (!options.tenant || !options.clientId) throw new UsageError('--tenant and --client-id are needed (or --access-token-env NAME)');
  if (options.certificate) {
    try {
      return await loadCertificateCredential(options.certificate, options.certificatePublic);
    } catch (error) {
      throw new UsageError(`--certificate ${options.certificate}: ${(error as Error).message}`);
    }
  }
  const fromEnv = io.env[SECRET_ENV];
  if (fromEnv !== undefined) return secretCredential(fromEnv);
  if (!io.promptSecret) throw new UsageError(`no client secret: set ${SECRET_ENV}, or use --certificate or --access-token-env`);
  return secretCredential(await io.promptSecret('Client secret (Value) for the app registration: '));
}

/**
 * Benchmarks and the demo run against the emulator with Outlook's windows shortened by the same factor;
 * the governor must shorten its windows to match. Real tenants never set this.
 */
function timeScale(io: RunIo): number | undefined {
  const scale = Number(io.env['EML_IMPORT_TIME_SCALE']);
  return Number.isFinite(scale) && scale > 0 ? scale : undefined;
}

function eventsInto(stats: Stats): DestinationEvents {
  return {
    onRequest: (mailbox, status) => {
      const counters = stats.mailbox(mailbox);
      counters.requests += 1;
      if (status === 429) counters.throttled += 1;
    },
    onThrottleWait: (mailbox, ms, reason) => {
      // Waiting for one of the 4 request slots is the normal state of a busy mailbox, not throttling.
      if (reason !== 'concurrency') stats.recordHold(mailbox, ms);
    },
    onRetry: (mailbox) => {
      stats.mailbox(mailbox).retries += 1;
    },
    onConcurrencyLowered: (mailbox, from, to) => {
      const counters = stats.mailbox(mailbox);
      counters.inFlightFrom ??= from;
      // The lowest it went, which a later step back up does not hide.
      counters.inFlightLoweredTo = Math.min(to, counters.inFlightLoweredTo ?? to);
    },
  };
}

/** Builds the Graph destination from the command line: endpoints, credential, tokens, governor, client. */
export async function connect(options: TenantOptions, io: RunIo, stats: Stats): Promise<Connection> {
  let endpoints: CloudEndpoints;
  try {
    endpoints = resolveEndpoints({ cloud: options.cloud, authorityHost: options.authorityHost, graphUrl: options.graphUrl });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const credential = await credentialFrom(options, io);
  let tokens: TokenSource;
  try {
    tokens = createTokenSource({ credential, tenant: options.tenant, clientId: options.clientId, endpoints });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const http = new GraphHttp({ endpoints, tokens, events: eventsInto(stats), timeScale: timeScale(io), limits: { concurrency: options.inFlight } });
  const destinationFor = createGraphDestination(http, { api: options.api });
  return {
    http,
    destinationFor,
    checks: (mailboxes, checkOptions) => runPreflight(tokens, http, mailboxes, options.api, { explainSensitiveRule: true, now: checkOptions?.now }),
    preflight: async (mailboxes) => (await runPreflight(tokens, http, mailboxes, options.api)).filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`),
  };
}
