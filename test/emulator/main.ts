import { startEmulator } from './index.js';
import { runnerOptions, USAGE } from './runner-options.js';

/**
 * `npm run emulator`: a standalone emulator for demos, benchmarks and manual runs.
 * Flags win over environment variables (EMULATOR_PORT, EMULATOR_TIME_SCALE, EMULATOR_LATENCY, EMULATOR_FAULTS,
 * EMULATOR_SEED, EMULATOR_MAILBOXES). EMULATOR_CLIENT_SECRET fixes the test client's secret for scripted runs;
 * it is read from the environment only, so it never shows up in a process listing.
 */
async function main(): Promise<void> {
  const { options, help } = runnerOptions(process.argv.slice(2), process.env);
  if (help) {
    console.log(USAGE);
    return;
  }
  const emulator = await startEmulator(options);
  // The secret is a per-start test secret; the banner is the one place it is shown.
  console.log(`Microsoft Graph + Entra emulator (TEST ONLY) listening on ${emulator.url}
  tenant:         ${emulator.tenant} (tid ${emulator.tenantId})
  client id:      ${emulator.clientId}
  client secret:  ${emulator.clientSecret}   (test-only, valid for this run only)
  cert thumbprint (SHA-256): ${emulator.certificate.thumbprintSha256}
  mailboxes:      ${emulator.inspect.mailboxes().join(', ')}
  CA file:        ${emulator.caFile}
  inspection:     ${emulator.url}/_emulator/mailboxes

Point the CLI at it:
  export NODE_EXTRA_CA_CERTS=${emulator.caFile}
  authority = ${emulator.url}/${emulator.tenant}   knownAuthorities = ['${new URL(emulator.url).host}']
  Graph base URL = ${emulator.url}   customHosts = ['${new URL(emulator.url).hostname}']
Press Ctrl+C to stop.`);
  const stop = () => {
    void emulator.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  console.error(USAGE);
  process.exit(1);
});
