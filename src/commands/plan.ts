/**
 * `eml-import plan`: how long the estate takes, from the zips' central directories only (seconds, not a
 * full read), and how it splits over machines. Writes nothing.
 */
import { mailboxAddress } from '../policy/mailbox-address.js';
import { DEFAULT_ASSUMPTIONS, type PlanAssumptions } from '../plan/assumptions.js';
import { planEstate } from '../plan/estate.js';
import { measureMailboxes } from '../run/estate-sizes.js';
import { renderPlan } from '../reports/plan-human.js';
import { planJson } from '../reports/plan-json.js';
import { readZipSize, type ZipSizeReader } from '../source/zip-size.js';
import { ExitCode } from '../accounting/exit-codes.js';
import { assignMailboxes } from './start-up.js';
import { readS3Settings } from './options.js';
import { stringOption } from './raw-options.js';
import { resolveS3Zips } from './s3-zips.js';
import type { ScanSettings } from '../source/scan-settings.js';
import { UsageError, type CliIo } from './io.js';

export interface PlanOptions {
  readonly zips: readonly string[];
  readonly s3: ScanSettings['s3'];
  readonly mailbox?: string;
  readonly map?: string;
  readonly parallel: number;
  readonly machines: number;
  readonly latencyMs: number;
  readonly requestsPerMessage: number;
  readonly json: boolean;
}

/** No commander defaults (they print as `(default: "4")`): the help says them in words, and here they apply. */
function number(raw: Record<string, unknown>, key: string, flag: string, fallback: number, min: number, max: number, integer: boolean): number {
  const text = raw[key] === undefined ? String(fallback) : String(raw[key]);
  const n = Number(text);
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${flag} wants ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}, got '${text}'`);
  }
  return n;
}

export function readPlanOptions(zips: string[], raw: Record<string, unknown>): PlanOptions {
  return {
    zips,
    s3: readS3Settings(raw),
    mailbox: stringOption(raw, 'mailbox') === undefined ? undefined : mailboxAddress(stringOption(raw, 'mailbox') as string),
    map: stringOption(raw, 'map'),
    parallel: number(raw, 'parallel', '--parallel', 4, 1, 512, true),
    machines: number(raw, 'machines', '--machines', 1, 1, 10_000, true),
    latencyMs: number(raw, 'latencyMs', '--latency-ms', DEFAULT_ASSUMPTIONS.latencyMs, 1, 600_000, false),
    requestsPerMessage: number(raw, 'requestsPerMessage', '--requests-per-message', DEFAULT_ASSUMPTIONS.requestsPerMessage, 1, 100, false),
    json: raw['json'] === true,
  };
}

export async function runPlan(options: PlanOptions, io: CliIo, readSize: ZipSizeReader = readZipSize): Promise<number> {
  // S3 globs listed and every S3 zip checked first: a refused read is exit 2 with one sentence, as for the import.
  const { zips: locations } = await resolveS3Zips(options);
  const zips = await assignMailboxes(locations, options);
  const unmapped = zips.filter((z) => z.mailbox === null).map((z) => z.path);
  if (unmapped.length > 0) throw new UsageError(`no mailbox for ${unmapped.join(', ')}: give --mailbox, or a row in --map`);
  const assumptions: PlanAssumptions = { ...DEFAULT_ASSUMPTIONS, latencyMs: options.latencyMs, requestsPerMessage: options.requestsPerMessage };
  const sizes = await measureMailboxes(zips, readSize);
  const plan = planEstate(sizes.mailboxes, { parallel: options.parallel, machines: options.machines }, assumptions);
  if (options.json) io.stdout.write(`${JSON.stringify(planJson(plan, sizes.problems), null, 2)}\n`);
  else io.stdout.write(renderPlan(plan, sizes.problems));
  return sizes.problems.length > 0 ? ExitCode.incomplete : ExitCode.ok;
}
