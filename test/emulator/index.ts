import { randomBytes } from 'node:crypto';
import { AccessTokenSigner, tenantIdFor } from './entra/access-token.js';
import { FaultInjector } from './faults.js';
import { UploadSessions } from './graph/upload-sessions.js';
import { archiveMessage, archivedMessages, createInspector, plantMessage, removeMessage, type InspectedMessage, type Inspector, type PlantedMessage } from './inspect.js';
import { MailboxLimits } from './limits.js';
import { MimeSummaryPool } from './mime-summary-pool.js';
import { applyPatch, resolveOptions, type EmulatorConfigurePatch, type EmulatorOptions } from './options.js';
import { createPrng } from './prng.js';
import { RequestLog } from './request-log.js';
import { createRequestHandler, listenHttps } from './server.js';
import type { EmulatorState } from './state.js';
import { MailStore } from './store.js';
import { loadTestCertificates, type ClientCertificateCredential } from './test-certificates.js';

export type { EmulatorOptions, EmulatorConfigurePatch, ClientRegistration, GraphRole, LimitOptions, LimitScope, LatencyOptions } from './options.js';
export type { FaultKind, FaultOptions, ScheduledFault, InjectedFault } from './faults.js';
export type { InspectedFolder, InspectedMessage, Inspector, PlantedMessage } from './inspect.js';
export type { LoggedRequest } from './request-log.js';
export type { ClientCertificateCredential } from './test-certificates.js';
export { DEFAULT_CLIENT_ID, DEFAULT_MAILBOXES, ALL_MAIL_ROLES } from './options.js';

export interface Emulator {
  /** https://127.0.0.1:PORT: the authority host (url + '/' + tenant) and the Graph base URL. */
  url: string;
  port: number;
  tenant: string;
  /** The tenant's GUID, as tokens carry it in tid. */
  tenantId: string;
  clientId: string;
  /** Test-only secret of the default client ('' if the configured first client has none). */
  clientSecret: string;
  certificate: ClientCertificateCredential;
  /** Absolute path of the PEM clients must trust through NODE_EXTRA_CA_CERTS. */
  caFile: string;
  inspect: Inspector;
  deleteMessage(upn: string, id: string): boolean;
  addMessage(upn: string, folderPath: string, message: PlantedMessage): Promise<InspectedMessage>;
  /** Moves a message to the mailbox's online archive, as an archive policy would. */
  archiveMessage(upn: string, id: string): InspectedMessage;
  archivedMessages(upn: string): InspectedMessage[];
  configure(patch: EmulatorConfigurePatch): void;
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const certificates = loadTestCertificates();
  const defaultSecret = options.clientSecret ?? `test-only-${randomBytes(18).toString('base64url')}`;
  const resolved = resolveOptions(options, { secret: defaultSecret, certificatePem: certificates.client.certificatePem });
  const [clientId = ''] = Object.keys(resolved.clients);

  // The server needs the state to answer, and the state needs the server's port; this breaks the cycle.
  const holder: { state?: EmulatorState } = {};
  const current = (): EmulatorState => {
    if (!holder.state) throw new Error('emulator not started');
    return holder.state;
  };
  const configure = (patch: EmulatorConfigurePatch): void => {
    const live = current();
    live.options = applyPatch(live.options, patch);
    if (patch.faults !== undefined || patch.seed !== undefined) {
      live.faults = new FaultInjector(live.options.faults, live.options.seed, live.faults.history());
    }
  };
  const inspector = createInspector(current);

  const handler = createRequestHandler({
    state: current,
    inspector,
    configure: (patch) => configure(patch as EmulatorConfigurePatch),
    latencyRandom: createPrng(resolved.seed ^ 0x5bd1e995),
  });
  const parsing = new MimeSummaryPool(resolved.parseThreads);
  const listening = await listenHttps({ key: certificates.serverKeyPem, cert: certificates.serverCertPem }, resolved.port, handler);
  const url = `https://127.0.0.1:${listening.port}`;
  const live: EmulatorState = {
    url,
    uploadBaseUrl: `https://localhost:${listening.port}`,
    tenantId: tenantIdFor(resolved.tenant),
    options: resolved,
    store: new MailStore(resolved.mailboxes, resolved.archives, resolved.quirks.folderLanguage, resolved.quirks.nonMailFolders === true),
    signer: new AccessTokenSigner(randomBytes(32)),
    limits: new MailboxLimits(
      () => current().options.limits,
      () => current().options.timeScale,
      () => current().options.limitScope,
    ),
    faults: new FaultInjector(resolved.faults, resolved.seed),
    log: new RequestLog(),
    uploads: new UploadSessions(),
    summarise: (mime) => parsing.summarise(mime),
  };
  holder.state = live;

  return {
    url,
    port: listening.port,
    tenant: resolved.tenant,
    tenantId: live.tenantId,
    clientId,
    clientSecret: resolved.clients[clientId]?.secret ?? '',
    certificate: certificates.client,
    caFile: certificates.serverCertPath,
    inspect: inspector,
    deleteMessage: (upn, id) => removeMessage(current(), upn, id),
    addMessage: (upn, folderPath, message) => plantMessage(current(), upn, folderPath, message),
    archiveMessage: (upn, id) => archiveMessage(current(), upn, id),
    archivedMessages: (upn) => archivedMessages(current(), upn),
    configure,
    close: async () => {
      await listening.close();
      await parsing.close();
    },
  };
}
