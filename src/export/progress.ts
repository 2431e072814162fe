import { createRequire } from 'node:module';
import type CliProgress from 'cli-progress';
import type { ExportJobRow } from './job-store.js';

// A CommonJS package, loaded with require() (README, Development: start-up).
const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof CliProgress;

/** Where progress goes: the command's stderr. */
export interface ProgressStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
}

export interface ExportProgress {
  log(line: string): void;
  /** Redraws from the latest rows (one per target: its newest job, or null before it has one). */
  update(rows: readonly { readonly email: string; readonly row: ExportJobRow | null }[]): void;
  stop(): void;
}

export function summarizeJobs(rows: readonly { readonly row: ExportJobRow | null }[]): string {
  const count = (state: string): number => rows.filter((r) => r.row?.state === state).length;
  const failed = count('FAILED') + count('CANCELLED') + count('REFUSED');
  return `exports: ${count('COMPLETED')}/${rows.length} completed, ${count('RUNNING')} running${failed ? `, ${failed} failed` : ''}`;
}

/**
 * A bar for the whole export and one per running job (WorkMail's EstimatedProgress) on a terminal;
 * plain summary lines every `intervalMs` otherwise, since cli-progress writes nothing to a pipe.
 */
export function startExportProgress(stream: ProgressStream, enabled: boolean, intervalMs: number): ExportProgress {
  let latest: readonly { readonly email: string; readonly row: ExportJobRow | null }[] = [];
  if (!enabled || !stream.isTTY) {
    const timer = enabled ? setInterval(() => stream.write(`${summarizeJobs(latest)}\n`), intervalMs) : null;
    timer?.unref();
    return {
      log: (line) => stream.write(`${line}\n`),
      update: (rows) => {
        latest = rows;
      },
      stop: () => {
        if (timer) clearInterval(timer);
      },
    };
  }
  const multibar = new cliProgress.MultiBar(
    { format: '{bar} {text}', barsize: 20, hideCursor: true, clearOnComplete: false, stream: stream as NodeJS.WritableStream, autopadding: true },
    cliProgress.Presets.shades_classic,
  );
  const overall = multibar.create(1, 0, { text: 'exports: listing users' });
  const bars = new Map<string, CliProgress.SingleBar>();
  return {
    log: (line) => multibar.log(`${line}\n`),
    update: (rows) => {
      latest = rows;
      overall.setTotal(Math.max(1, rows.length));
      overall.update(rows.filter((r) => r.row?.state === 'COMPLETED').length, { text: summarizeJobs(rows) });
      for (const { email, row } of rows) {
        let bar = bars.get(email);
        if (row?.state === 'RUNNING') {
          if (!bar) {
            bar = multibar.create(100, 0, { text: '' });
            bars.set(email, bar);
          }
          bar.update(row.estimatedProgress ?? 0, { text: `${email} | job ${row.jobId} | ${row.estimatedProgress ?? 0}%` });
        } else if (bar) {
          multibar.remove(bar);
          bars.delete(email);
        }
      }
    },
    stop: () => multibar.stop(),
  };
}
