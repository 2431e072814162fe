import { parseArgs } from 'node:util';
import { startEmulator, type EmulatorOptions, type FaultKind } from './index.js';

/**
 * `npm run emulator`: a standalone emulator for demos, benchmarks and manual runs.
 * Flags win over environment variables (EMULATOR_PORT, EMULATOR_TIME_SCALE, EMULATOR_LATENCY, EMULATOR_FAULTS,
 * EMULATOR_SEED, EMULATOR_MAILBOXES).
 */
const USAGE = `Usage: npm run emulator -- [--port 8443] [--time-scale 0.01] [--latency 150-400]
         [--faults 503-retry-after=0.02,504-after-commit=0.01] [--seed 1] [--mailboxes a@x,b@x]`;

const FAULT_KINDS: FaultKind[] = [
  '503-retry-after',
  '503',
  '504-after-commit',
  'reset-before-commit',
  'reset-after-commit',
  'slow',
  '429-too-many-requests',
  '429-no-retry-after',
];

function parseLatency(text: string): { min: number; max: number } {
  const [min, max] = text.split('-').map(Number);
  const upper = max ?? min;
  if (min === undefined || upper === undefined || !Number.isFinite(min) || !Number.isFinite(upper) || upper < min) {
    throw new Error(`bad --latency ${text}`);
  }
  return { min, max: upper };
}

function parseFaultRates(text: string): Partial<Record<FaultKind, number>> {
  const rates: Partial<Record<FaultKind, number>> = {};
  for (const pair of text.split(',').filter((entry) => entry.length > 0)) {
    const [kind, rate] = pair.split('=');
    if (!FAULT_KINDS.includes(kind as FaultKind) || !Number.isFinite(Number(rate))) {
      throw new Error(`bad fault '${pair}'; kinds: ${FAULT_KINDS.join(', ')}`);
    }
    rates[kind as FaultKind] = Number(rate);
  }
  return rates;
}

function optionsFrom(argv: string[], env: NodeJS.ProcessEnv): EmulatorOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      'time-scale': { type: 'string' },
      latency: { type: 'string' },
      faults: { type: 'string' },
      seed: { type: 'string' },
      mailboxes: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const port = values.port ?? env['EMULATOR_PORT'] ?? '8443';
  const timeScale = values['time-scale'] ?? env['EMULATOR_TIME_SCALE'];
  const latency = values.latency ?? env['EMULATOR_LATENCY'];
  const faults = values.faults ?? env['EMULATOR_FAULTS'];
  const seed = values.seed ?? env['EMULATOR_SEED'];
  const mailboxes = values.mailboxes ?? env['EMULATOR_MAILBOXES'];
  return {
    port: Number(port),
    ...(timeScale ? { timeScale: Number(timeScale) } : {}),
    ...(latency ? { latencyMs: parseLatency(latency) } : {}),
    ...(faults ? { faults: { rates: parseFaultRates(faults) } } : {}),
    ...(seed ? { seed: Number(seed) } : {}),
    ...(mailboxes ? { mailboxes: mailboxes.split(',').map((upn) => upn.trim()) } : {}),
  };
}

async function main(): Promise<void> {
  const emulator = await startEmulator(optionsFrom(process.argv.slice(2), process.env));
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
