import type { AccessTokenSigner } from './entra/access-token.js';
import type { FaultInjector } from './faults.js';
import type { MailboxLimits } from './limits.js';
import type { ResolvedOptions } from './options.js';
import type { RequestLog } from './request-log.js';
import type { MailStore } from './store.js';
import type { MimeSummary } from './mime-summary.js';
import type { UploadSessions } from './graph/upload-sessions.js';

/** Everything one emulator instance holds; passed to handlers so nothing is global. */
export interface EmulatorState {
  /** https://127.0.0.1:PORT: authority host and Graph base URL. */
  url: string;
  /** https://localhost:PORT: a host the Graph client does not treat as Graph, like Outlook's upload host. */
  uploadBaseUrl: string;
  tenantId: string;
  options: ResolvedOptions;
  store: MailStore;
  signer: AccessTokenSigner;
  limits: MailboxLimits;
  faults: FaultInjector;
  log: RequestLog;
  uploads: UploadSessions;
  /** Parses a created message's MIME (mime-summary.ts), on worker threads when the options ask for them. */
  summarise: (mime: Buffer) => Promise<MimeSummary>;
}
