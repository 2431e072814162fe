import { parseArgs } from 'node:util';
import type { EmulatorOptions, FaultKind } from './index.js';
import type { TenantQuirks } from './options.js';

export const USAGE = `Usage: npm run emulator -- [--port 8443] [--time-scale 0.01] [--latency 150-400]
         [--faults 503-retry-after=0.02,504-after-commit=0.01] [--seed 1] [--mailboxes a@x,b@x]
         [--sensitive-rule-from 2026-12-31] [--now 2027-01-04T12:00:00Z] [--archives a@x]
         [--quirks import-mime-missing,import-mime-max-bytes=2300000,national-cloud,drafts-created,date-shift=60,drop-message-id,refuse-attachments,throttle-at-limit]`;

/** `--quirks` names, each a way a tenant could differ (see TenantQuirks). */
function parseQuirks(text: string): TenantQuirks {
  const quirks: TenantQuirks = {};
  for (const entry of text.split(',').map((e) => e.trim()).filter((e) => e.length > 0)) {
    const [name, value] = entry.split('=');
    switch (name) {
      case 'import-mime-missing':
        quirks.importMimeMissing = true;
        break;
      case 'national-cloud':
        quirks.nationalCloud = true;
        break;
      case 'import-mime-max-bytes':
        if (!Number.isInteger(Number(value)) || Number(value) < 1) throw new Error(`bad quirk '${entry}': import-mime-max-bytes=<bytes>`);
        quirks.importMimeMaxBytes = Number(value);
        break;
      case 'drafts-created':
        quirks.draftsCreated = true;
        break;
      case 'date-shift':
        if (!Number.isFinite(Number(value))) throw new Error(`bad quirk '${entry}': date-shift=<minutes>`);
        quirks.dateShiftMinutes = Number(value);
        break;
      case 'drop-message-id':
        quirks.dropMessageId = true;
        break;
      case 'refuse-attachments':
        quirks.refuseAttachments = true;
        break;
      case 'throttle-at-limit':
        quirks.throttleAtConcurrencyLimit = true;
        break;
      default:
        throw new Error(`bad quirk '${entry}'`);
    }
  }
  return quirks;
}

function parseInstant(text: string, flag: string): string {
  if (Number.isNaN(Date.parse(text))) throw new Error(`bad ${flag} ${text}: an ISO date or date-time`);
  return text;
}

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

/** Flags win over environment variables; `help` asks the caller to print USAGE. */
export function runnerOptions(argv: string[], env: NodeJS.ProcessEnv): { options: EmulatorOptions; help: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      'time-scale': { type: 'string' },
      latency: { type: 'string' },
      faults: { type: 'string' },
      seed: { type: 'string' },
      mailboxes: { type: 'string' },
      'sensitive-rule-from': { type: 'string' },
      now: { type: 'string' },
      archives: { type: 'string' },
      quirks: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  const port = values.port ?? env['EMULATOR_PORT'] ?? '8443';
  const timeScale = values['time-scale'] ?? env['EMULATOR_TIME_SCALE'];
  const latency = values.latency ?? env['EMULATOR_LATENCY'];
  const faults = values.faults ?? env['EMULATOR_FAULTS'];
  const seed = values.seed ?? env['EMULATOR_SEED'];
  const mailboxes = values.mailboxes ?? env['EMULATOR_MAILBOXES'];
  const options: EmulatorOptions = {
    port: Number(port),
    ...(timeScale ? { timeScale: Number(timeScale) } : {}),
    ...(latency ? { latencyMs: parseLatency(latency) } : {}),
    ...(faults ? { faults: { rates: parseFaultRates(faults) } } : {}),
    ...(seed ? { seed: Number(seed) } : {}),
    ...(mailboxes ? { mailboxes: mailboxes.split(',').map((upn) => upn.trim()) } : {}),
    ...(env['EMULATOR_CLIENT_SECRET'] ? { clientSecret: env['EMULATOR_CLIENT_SECRET'] } : {}),
    ...(values['sensitive-rule-from'] ? { sensitiveRuleFrom: parseInstant(values['sensitive-rule-from'], '--sensitive-rule-from') } : {}),
    ...(values.now ? { now: parseInstant(values.now, '--now') } : {}),
    ...(values.archives ? { archives: values.archives.split(',').map((upn) => upn.trim()) } : {}),
    ...(values.quirks ? { quirks: parseQuirks(values.quirks) } : {}),
  };
  if (!Number.isInteger(options.port) || (options.port ?? 0) < 0) throw new Error(`bad port ${port}`);
  return { options, help: values.help === true };
}

