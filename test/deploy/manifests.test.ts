/**
 * The container and engine files are not run by CI (no container engine here), so this reads them and
 * holds them to what the CLI reads: env var names, paths, options. It then runs the CLI with each file's
 * own command line and the engine's variables, paths moved to a temp folder, as a dry run on real zips.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SHARD_ENV } from '../../src/commands/shard-option.js';
import { message, writeZip } from '../helpers/make-zip.js';
import { setEnvironment } from '../helpers/environment.js';
import { S3_TEST_CREDENTIALS, S3TestServer } from '../s3/s3-server.js';
import { runCli } from '../helpers/run-cli.js';

const root = resolve(import.meta.dirname, '..', '..');
const read = (path: string): string => readFileSync(join(root, path), 'utf8');
const SECRET_ENV = 'EML_IMPORT_CLIENT_SECRET';

/** Each `- "…"` item of the YAML list under `key:` (the manifests quote every item). */
function yamlList(text: string, key: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim() === `${key}:`);
  if (start < 0) return [];
  const items: string[] = [];
  for (const line of lines.slice(start + 1)) {
    const match = /^\s+- "(.*)"$/.exec(line);
    if (!match) break;
    items.push(match[1] as string);
  }
  return items;
}

const scalar = (text: string, key: string): string[] => [...text.matchAll(new RegExp(`^\\s*-?\\s*${key}: *"?([^"\\n]*)"?$`, 'gm'))].map((m) => (m[1] as string).trim());
const optionValue = (args: readonly string[], flag: string): string | undefined => args[args.indexOf(flag) + 1];

let helpText = '';
let work: string;

beforeAll(async () => {
  helpText = (await runCli(['import', '--help'])).stdout;
  work = mkdtempSync(join(tmpdir(), 'eml-import-deploy-'));
  mkdirSync(join(work, 'exports'));
  mkdirSync(join(work, 'state'));
  const rows: string[] = [];
  for (const name of ['ann', 'bob', 'cy']) {
    await writeZip(join(work, 'exports', `${name}.zip`), Array.from({ length: name.length * 3 }, (_, i) => ({ name: `Inbox/${i}.eml`, content: message({ subject: `${name} ${i}` }) })));
    rows.push(`${name}.zip,${name}@contoso.com`);
  }
  writeFileSync(join(work, 'exports', 'map.csv'), `zip,mailbox\n${rows.join('\n')}\n`);
});

/** Every --flag in the engine's command line is an option the CLI has, and --shard auto is there. */
function checkArgs(args: readonly string[]): void {
  for (const flag of args.filter((a) => a.startsWith('--'))) expect(helpText, flag).toContain(flag);
  expect(optionValue(args, '--shard')).toBe('auto');
  expect(optionValue(args, '--state')).toContain('{shard}');
  expect(optionValue(args, '--report')).toContain('{shard}');
}

/** The engine's command line as a dry run: tenant options dropped, /exports and /state moved to `work`. */
async function dryRunAs(args: readonly string[], env: Record<string, string>): Promise<{ status: number; stderr: string }> {
  const local: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--tenant' || arg === '--client-id') {
      i += 1;
      continue;
    }
    local.push(arg.replace(/^\/exports/, join(work, 'exports')).replace(/^\/state/, join(work, 'state')));
  }
  return runCli([...local, '--dry-run'], env);
}

describe('Dockerfile', () => {
  const text = read('Dockerfile');
  const instructions = text.split('\n').filter((l) => /^[A-Z]+\s/.test(l));
  const stages = text.split(/^FROM /m).slice(1);

  it('builds in one stage on Node 20 or newer with better-sqlite3 from source, and runs in another, not as root', () => {
    const froms = instructions.filter((l) => l.startsWith('FROM '));
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) expect(Number(/node:(\d+)/.exec(from)?.[1])).toBeGreaterThanOrEqual(20);
    expect(stages[0]).toMatch(/better-sqlite3 --build-from-source/);
    expect(stages[0]).toMatch(/python3 make g\+\+/);
    const runtime = stages.at(-1) as string;
    expect(runtime).not.toMatch(/g\+\+|python3/);
    const user = /^USER (\S+)/m.exec(runtime)?.[1];
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
  });

  it('has the built CLI as entrypoint, at the path the build writes it to', () => {
    const entrypoint = JSON.parse(/^ENTRYPOINT (.*)$/m.exec(text)?.[1] ?? '[]') as string[];
    expect(entrypoint[0]).toBe('node');
    const workdir = /^WORKDIR (\S+)/m.exec(stages.at(-1) as string)?.[1] as string;
    const build = JSON.parse(read('tsconfig.build.json')) as { compilerOptions: { outDir: string; rootDir: string } };
    // src/cli.ts compiles to <outDir>/cli.js, which package.json's bin names too.
    expect(existsSync(join(root, build.compilerOptions.rootDir, 'cli.ts'))).toBe(true);
    expect(entrypoint[1]).toBe(`${workdir}/${build.compilerOptions.outDir}/cli.js`);
    expect((JSON.parse(read('package.json')) as { bin: Record<string, string> }).bin['eml-import']).toBe(`${build.compilerOptions.outDir}/cli.js`);
  });

  it('runs with two malloc arenas, which the estate bench measured (bench/issue-16-estate-results.md)', () => {
    expect(stages.at(-1)).toMatch(/^ENV MALLOC_ARENA_MAX=2$/m);
  });

  it('bakes in no secret and no state', () => {
    for (const line of instructions.filter((l) => /^(ENV|ARG) /.test(l))) expect(line).not.toMatch(/SECRET|TOKEN|PASSWORD|KEY/i);
    for (const line of instructions.filter((l) => /^COPY /.test(l))) expect(line).not.toMatch(/\.eml-import|state\.db|\.pem/);
    const ignored = read('.dockerignore').split('\n');
    expect(ignored).toContain('.eml-import');
    expect(ignored).toContain('node_modules');
  });
});

describe('Kubernetes Indexed Job', () => {
  const job = read('deploy/kubernetes/job.yaml');
  const secret = read('deploy/kubernetes/secret.yaml');
  const volumes = read('deploy/kubernetes/volumes.yaml');
  const args = yamlList(job, 'args');

  it('is Indexed with completions = parallelism = the shard count the CLI reads', () => {
    expect(scalar(job, 'completionMode')).toEqual(['Indexed']);
    const completions = scalar(job, 'completions')[0];
    expect(scalar(job, 'parallelism')).toEqual([completions]);
    const envNames = scalar(job, 'name').filter((n) => /^[A-Z_]+$/.test(n));
    expect(envNames.sort()).toEqual([SECRET_ENV, SHARD_ENV.kubernetesCount].sort());
    const countAt = job.indexOf(`name: ${SHARD_ENV.kubernetesCount}`);
    expect(scalar(job.slice(countAt), 'value')[0]).toBe(completions);
  });

  it('gives the run time to stop on SIGTERM as the README says (test/cli/sigterm.test.ts: uploads in flight finish, the report is written)', () => {
    expect(scalar(job, 'terminationGracePeriodSeconds')).toEqual(['120']);
    expect(read('README.md')).toContain('the Kubernetes Job in `deploy/` allows 120 s');
  });

  it('takes the secret from the Secret, and state and reports from a mounted volume', () => {
    checkArgs(args);
    const secretAt = job.indexOf(`name: ${SECRET_ENV}`);
    const ref = job.slice(secretAt, secretAt + 200);
    expect(ref).toContain('secretKeyRef');
    expect(scalar(secret, 'name')).toContain(scalar(ref, 'name')[1]);
    expect(secret).toContain(`${scalar(ref, 'key')[0]}:`);
    const mounts = scalar(job, 'mountPath');
    for (const flag of ['--state', '--report', '--map']) expect(mounts.some((m) => optionValue(args, flag)?.startsWith(`${m}/`)), flag).toBe(true);
    for (const claim of scalar(job, 'claimName')) expect(scalar(volumes, 'name')).toContain(claim);
  });

  it('runs as the engine runs it: the manifest command line with its index and count', async () => {
    const count = scalar(job, 'completions')[0] as string;
    const run = await dryRunAs(args, { [SHARD_ENV.kubernetesIndex]: '0', [SHARD_ENV.kubernetesCount]: count });
    expect(run.stderr).toContain(`shard 1/${count}`);
    expect(run.status).toBe(0);
    const report = JSON.parse(readFileSync(join(work, 'state', 'reports', 'shard-1', 'report.json'), 'utf8')) as { zips: unknown[] };
    expect(report.zips).toHaveLength(1); // the largest mailbox goes to shard 1
  });
});

describe('AWS Batch array job', () => {
  const definition = JSON.parse(read('deploy/aws-batch/job-definition.json')) as {
    type: string;
    containerProperties: {
      command: string[];
      environment?: Array<{ name: string }>;
      secrets: Array<{ name: string; valueFrom: string }>;
      mountPoints: Array<{ sourceVolume: string; containerPath: string }>;
      volumes: Array<{ name: string }>;
    };
  };
  const submit = JSON.parse(read('deploy/aws-batch/submit-job.json')) as { jobDefinition: string; arrayProperties: { size: number } };
  const c = definition.containerProperties;

  it('passes the secret from Secrets Manager, sets no AWS_BATCH_ variable, and mounts the state', () => {
    checkArgs(c.command);
    expect(c.secrets.map((s) => s.name)).toEqual([SECRET_ENV]);
    for (const env of c.environment ?? []) expect(env.name).not.toMatch(/^AWS_BATCH_/);
    for (const flag of ['--state', '--report', '--map']) expect(c.mountPoints.some((m) => optionValue(c.command, flag)?.startsWith(`${m.containerPath}/`)), flag).toBe(true);
    for (const m of c.mountPoints) expect(c.volumes.map((v) => v.name)).toContain(m.sourceVolume);
    expect(submit.jobDefinition).toBe((JSON.parse(read('deploy/aws-batch/job-definition.json')) as { jobDefinitionName: string }).jobDefinitionName);
    expect(submit.arrayProperties.size).toBeGreaterThan(1);
  });

  it('reads the zips from S3 (a glob the CLI lists) with the job role, not from a copy on a volume', () => {
    const zips = c.command.filter((arg, i) => !arg.startsWith('--') && !c.command[i - 1]?.startsWith('--'));
    expect(zips.length).toBeGreaterThan(0);
    for (const zip of zips) expect(zip).toMatch(/^s3:\/\/[^/]+\/.*\*\.zip$/);
    expect((definition.containerProperties as { jobRoleArn?: string }).jobRoleArn).toMatch(/^arn:aws:iam::/);
  });

  it('runs as the engine runs it: the definition command line with the array index and size', async () => {
    // The zips in an S3 server under the definition's bucket and prefix, the map of S3 URIs on the state volume.
    const glob = c.command.find((arg) => arg.startsWith('s3://')) as string;
    const [bucket, ...prefix] = glob.slice('s3://'.length).split('/');
    const folder = prefix.slice(0, -1).join('/');
    const server = await S3TestServer.start();
    const restore = setEnvironment(S3_TEST_CREDENTIALS);
    try {
      await server.createBucket(bucket as string);
      const rows: string[] = [];
      for (const name of ['ann', 'bob', 'cy']) {
        await server.put(bucket as string, `${folder}/${name}.zip`, readFileSync(join(work, 'exports', `${name}.zip`)));
        rows.push(`s3://${bucket}/${folder}/${name}.zip,${name}@contoso.com`);
      }
      const map = optionValue(c.command, '--map') as string;
      writeFileSync(map.replace(/^\/state/, join(work, 'state')), `zip,mailbox\n${rows.join('\n')}\n`);
      const size = String(submit.arrayProperties.size);
      const last = String(submit.arrayProperties.size - 1);
      const run = await dryRunAs([...c.command, '--s3-endpoint', server.endpoint], { [SHARD_ENV.batchIndex]: last, [SHARD_ENV.batchCount]: size });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stderr).toContain(`shard ${size}/${size}`);
      expect(existsSync(join(work, 'state', 'reports', `shard-${size}`, 'report.json'))).toBe(true);
      // Shard 1 takes the largest mailbox: its sizes came from the S3 zips.
      const first = await dryRunAs([...c.command, '--s3-endpoint', server.endpoint], { [SHARD_ENV.batchIndex]: '0', [SHARD_ENV.batchCount]: size });
      expect(first.status, first.stderr).toBe(0);
      expect(first.stderr).toContain('1 mailbox of 3, 9 messages');
      expect(server.gets().length).toBeGreaterThan(0);
    } finally {
      restore();
      await server.stop();
    }
  });
});
