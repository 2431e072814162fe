/** The real stack for destination tests: the emulator, msal tokens, GraphHttp, our Graph destination. */
import { resolveEndpoints } from '../../src/destination/graph/cloud.js';
import { secretCredential } from '../../src/destination/graph/credentials.js';
import { GraphHttp, type GraphHttpOptions } from '../../src/destination/graph/graph-http.js';
import { createGraphDestination, type GraphDestinationOptions } from '../../src/destination/graph/index.js';
import { createTokenSource } from '../../src/destination/graph/token-source.js';
import type { MailboxDestination } from '../../src/destination/types.js';
import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator/index.js';

export const ANN = 'ann@contoso.onmicrosoft.com';

export interface Harness {
  readonly emulator: Emulator;
  readonly http: GraphHttp;
  /** A fresh destination (own folder cache) for `upn`, as a new run would have. */
  mailbox(upn?: string, options?: GraphDestinationOptions): MailboxDestination;
  close(): Promise<void>;
}

export async function startHarness(
  emulatorOptions: EmulatorOptions = {},
  httpOptions: Partial<Pick<GraphHttpOptions, 'maxAttempts' | 'backoff' | 'timeoutMs'>> = {},
): Promise<Harness> {
  const emulator = await startEmulator(emulatorOptions);
  const endpoints = resolveEndpoints({ authorityHost: emulator.url, graphUrl: emulator.url });
  const tokens = createTokenSource({
    credential: secretCredential(emulator.clientSecret),
    tenant: emulator.tenant,
    clientId: emulator.clientId,
    endpoints,
  });
  const http = new GraphHttp({ endpoints, tokens, ...httpOptions });
  return {
    emulator,
    http,
    mailbox: (upn = ANN, options = {}) => createGraphDestination(http, options)(upn),
    close: () => emulator.close(),
  };
}
