import { resolveEndpoints, type CloudEndpoints } from '../destination/graph/cloud.js';
import { accessTokenFromEnv, loadCertificateCredential, secretCredential, SECRET_ENV, type Credential } from '../destination/graph/credentials.js';
import { createTokenSource, type TokenSource } from '../destination/graph/token-source.js';
import { GraphHttp } from '../destination/graph/graph-http.js';
import { createGraphDestination } from '../destination/graph/index.js';
import { runPreflight, type Check } from './preflight.js';
import { UsageError } from '../accounting/errors.js';
import type { RunIo } from './io.js';
import type { DestinationSettings } from '../destination/graph/destination-settings.js';
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
  /** Reconcile's checks (token, read access, each mailbox), failed ones as sentences; empty when it may start. */
  readPreflight(mailboxes: readonly string[]): Promise<string[]>;
}

async function credentialFrom(settings: DestinationSettings, io: RunIo): Promise<Credential> {
  if (settings.accessTokenEnv) return accessTokenFromEnv(settings.accessTokenEnv, io.env);
  if (!settings.tenant || !settings.clientId) throw new UsageError('--tenant and --client-id are needed (or --access-token-env NAME)');
  if (settings.certificate) {
    try {
      return await loadCertificateCredential(settings.certificate, settings.certificatePublic);
    } catch (error) {
      throw new UsageError(`--certificate ${settings.certificate}: ${(error as Error).message}`);
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

/** Builds the Graph destination from its settings: endpoints, credential, tokens, governor, client. */
export async function connect(settings: DestinationSettings, io: RunIo, stats: Stats): Promise<Connection> {
  let endpoints: CloudEndpoints;
  try {
    endpoints = resolveEndpoints({ cloud: settings.cloud, authorityHost: settings.authorityHost, graphUrl: settings.graphUrl });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const credential = await credentialFrom(settings, io);
  let tokens: TokenSource;
  try {
    tokens = createTokenSource({ credential, tenant: settings.tenant, clientId: settings.clientId, endpoints });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const http = new GraphHttp({ endpoints, tokens, events: eventsInto(stats), timeScale: timeScale(io), limits: { concurrency: settings.inFlight } });
  const destinationFor = createGraphDestination(http, { api: settings.api });
  return {
    http,
    destinationFor,
    checks: (mailboxes, checkOptions) => runPreflight(tokens, http, mailboxes, settings.api, { explainSensitiveRule: true, now: checkOptions?.now }),
    readPreflight: async (mailboxes) => (await runPreflight(tokens, http, mailboxes, settings.api, { access: 'read' })).filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`),
  };
}
