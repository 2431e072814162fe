/**
 * `--shard i/n` (1-based: `--shard 1/3` … `--shard 3/3`) or `--shard auto`, which reads i and n from the
 * engine running this process: a Kubernetes Indexed Job or an AWS Batch array job, both 0-based.
 */
import { UsageError } from './io.js';

export interface ShardSpec {
  /** 1-based. */
  readonly index: number;
  readonly count: number;
  /** Where i and n came from, for the log line and errors. */
  readonly from: string;
}

/** The environment variables `--shard auto` reads; deploy/ manifests set the ones that are ours. */
export const SHARD_ENV = {
  kubernetesIndex: 'JOB_COMPLETION_INDEX',
  /** Kubernetes does not tell a pod the number of completions: the manifest passes it in this variable. */
  kubernetesCount: 'EML_IMPORT_SHARD_COUNT',
  batchIndex: 'AWS_BATCH_JOB_ARRAY_INDEX',
  batchCount: 'AWS_BATCH_JOB_ARRAY_SIZE',
} as const;

const WHOLE = /^\d+$/;

function whole(value: string, what: string): number {
  if (!WHOLE.test(value.trim())) throw new UsageError(`--shard: ${what} must be a whole number, got '${value}'`);
  return Number(value.trim());
}

function checked(index: number, count: number, from: string): ShardSpec {
  if (count < 1) throw new UsageError(`--shard: the shard count must be at least 1, got ${count} (${from})`);
  if (index < 1 || index > count) throw new UsageError(`--shard: shard ${index} is not between 1 and ${count} (${from})`);
  return { index, count, from };
}

function fromEngine(env: Readonly<Record<string, string | undefined>>): ShardSpec {
  const k8sIndex = env[SHARD_ENV.kubernetesIndex];
  const batchIndex = env[SHARD_ENV.batchIndex];
  if (k8sIndex !== undefined && batchIndex !== undefined) {
    throw new UsageError(`--shard auto: both ${SHARD_ENV.kubernetesIndex} and ${SHARD_ENV.batchIndex} are set; give --shard i/n`);
  }
  if (k8sIndex !== undefined) {
    const count = env[SHARD_ENV.kubernetesCount];
    if (count === undefined) {
      throw new UsageError(`--shard auto: ${SHARD_ENV.kubernetesIndex} is set (Kubernetes Indexed Job) but ${SHARD_ENV.kubernetesCount} is not; set it to the Job's completions`);
    }
    const from = `${SHARD_ENV.kubernetesIndex}=${k8sIndex}, ${SHARD_ENV.kubernetesCount}=${count}`;
    return checked(whole(k8sIndex, SHARD_ENV.kubernetesIndex) + 1, whole(count, SHARD_ENV.kubernetesCount), from);
  }
  if (batchIndex !== undefined) {
    const count = env[SHARD_ENV.batchCount];
    if (count === undefined) throw new UsageError(`--shard auto: ${SHARD_ENV.batchIndex} is set but ${SHARD_ENV.batchCount} is not`);
    const from = `${SHARD_ENV.batchIndex}=${batchIndex}, ${SHARD_ENV.batchCount}=${count}`;
    return checked(whole(batchIndex, SHARD_ENV.batchIndex) + 1, whole(count, SHARD_ENV.batchCount), from);
  }
  throw new UsageError(
    `--shard auto: no engine found: neither ${SHARD_ENV.kubernetesIndex} (Kubernetes Indexed Job) nor ${SHARD_ENV.batchIndex} (AWS Batch array job) is set; give --shard i/n`,
  );
}

/** Parses the option; undefined when it was not given. Every mistake is a UsageError (exit 2). */
export function parseShard(value: string | undefined, env: Readonly<Record<string, string | undefined>>): ShardSpec | undefined {
  if (value === undefined) return undefined;
  if (value === 'auto') return fromEngine(env);
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  if (!match) throw new UsageError(`--shard wants i/n (1-based, e.g. 2/8) or auto, got '${value}'`);
  return checked(Number(match[1]), Number(match[2]), `--shard ${value}`);
}
