import { describe, expect, it } from 'vitest';
import { runnerOptions } from './runner-options.js';

describe('npm run emulator options', () => {
  it('reads flags, and flags win over the environment', () => {
    const { options } = runnerOptions(
      ['--port', '0', '--time-scale', '0.01', '--latency', '150-400', '--faults', '503-retry-after=0.02,504-after-commit=0.01'],
      { EMULATOR_PORT: '9999', EMULATOR_SEED: '7', EMULATOR_MAILBOXES: 'a@x, b@x' },
    );
    expect(options).toEqual({
      port: 0,
      timeScale: 0.01,
      latencyMs: { min: 150, max: 400 },
      faults: { rates: { '503-retry-after': 0.02, '504-after-commit': 0.01 } },
      seed: 7,
      mailboxes: ['a@x', 'b@x'],
    });
  });

  it('defaults to port 8443 and takes the client secret from the environment only', () => {
    const { options } = runnerOptions([], { EMULATOR_CLIENT_SECRET: 's3' });
    expect(options).toEqual({ port: 8443, clientSecret: 's3' });
  });

  it('rejects unknown fault kinds and bad latency ranges', () => {
    expect(() => runnerOptions(['--faults', 'meteor=1'], {})).toThrow(/bad fault/);
    expect(() => runnerOptions(['--latency', '400-150'], {})).toThrow(/bad --latency/);
  });

  it('reads the tenant rules: the sensitive-property rule date, "now", archives and quirks', () => {
    const { options } = runnerOptions(
      ['--sensitive-rule-from', '2026-12-31', '--now', '2027-01-04T12:00:00Z', '--archives', 'ann@x', '--quirks', 'national-cloud,date-shift=60,throttle-at-limit'],
      {},
    );
    expect(options).toMatchObject({
      sensitiveRuleFrom: '2026-12-31',
      now: '2027-01-04T12:00:00Z',
      archives: ['ann@x'],
      quirks: { nationalCloud: true, dateShiftMinutes: 60, throttleAtConcurrencyLimit: true },
    });
    expect(() => runnerOptions(['--quirks', 'gremlins'], {})).toThrow(/bad quirk/);
    expect(() => runnerOptions(['--now', 'tomorrow'], {})).toThrow(/bad --now/);
  });
});
