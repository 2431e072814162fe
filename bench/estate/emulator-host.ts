/**
 * The Graph emulator in its own process for bench:estate, so the importer's CPU and the emulator's are
 * measured apart and the emulator cannot slow the importer on the same event loop. Driven over IPC:
 * `start` (emulator options) → connection details; `results` → per-mailbox upload times and counts
 * from the stamped request log (bench/import/timeline.ts); `close`.
 */
import { startEmulator, type Emulator, type EmulatorOptions } from '../../test/emulator/index.js';
import { installTimeline, mark, meanInFlight, meanServerMs, since } from '../import/timeline.js';

export type HostRequest =
  | { readonly cmd: 'start'; readonly options: EmulatorOptions }
  | { readonly cmd: 'results'; readonly mailboxes: readonly string[] }
  | { readonly cmd: 'close' };

export interface MailboxOutcome {
  readonly mailbox: string;
  readonly arrived: number;
  readonly drafts: number;
  readonly uploads: number;
  readonly firstUploadAt: number;
  readonly lastUploadAt: number;
  readonly requests: number;
  readonly throttled: number;
  /** Requests to the mailbox in flight at the server on average, first upload answer to last. */
  readonly meanInFlight: number;
  /** Mean arrival-to-answer time of the mailbox's requests at the server, over the same span. */
  readonly meanServerMs: number;
}

export interface HostResults {
  readonly mailboxes: readonly MailboxOutcome[];
  readonly statusCounts: Record<string, number>;
  /** CPU seconds (user + system) of this process since start. */
  readonly cpuS: number;
}

let emulator: Emulator | undefined;
let from = 0;
const cpuAtStart = process.cpuUsage();

function send(message: unknown): void {
  process.send?.(message);
}

process.on('message', (raw) => {
  const request = raw as HostRequest;
  void (async () => {
    if (request.cmd === 'start') {
      installTimeline();
      emulator = await startEmulator(request.options);
      from = mark();
      send({ url: emulator.url, tenant: emulator.tenant, clientId: emulator.clientId, clientSecret: emulator.clientSecret, caFile: emulator.caFile });
    } else if (request.cmd === 'results') {
      const requests = since(from);
      const statusCounts: Record<string, number> = {};
      for (const r of requests) statusCounts[String(r.status)] = (statusCounts[String(r.status)] ?? 0) + 1;
      const byMailbox = new Map<string, typeof requests>();
      for (const r of requests) if (r.mailbox) byMailbox.set(r.mailbox, [...(byMailbox.get(r.mailbox) ?? []), r]);
      const mailboxes = request.mailboxes.map((mailbox): MailboxOutcome => {
        const mine = byMailbox.get(mailbox.toLowerCase()) ?? [];
        const uploads = mine.filter((r) => r.kind === 'importMime' && r.status >= 200 && r.status < 300);
        const messages = emulator?.inspect.messages(mailbox) ?? [];
        return {
          mailbox,
          arrived: messages.length,
          drafts: messages.filter((m) => m.isDraft).length,
          uploads: uploads.length,
          firstUploadAt: uploads[0]?.at ?? Number.NaN,
          lastUploadAt: uploads.at(-1)?.at ?? Number.NaN,
          requests: mine.length,
          throttled: mine.filter((r) => r.status === 429).length,
          meanInFlight: uploads.length > 1 ? meanInFlight(mailbox, uploads[0]!.at, uploads.at(-1)!.at) : Number.NaN,
          meanServerMs: uploads.length > 1 ? meanServerMs(mailbox.toLowerCase(), uploads[0]!.at, uploads.at(-1)!.at) : Number.NaN,
        };
      });
      const cpu = process.cpuUsage(cpuAtStart);
      send({ mailboxes, statusCounts, cpuS: (cpu.user + cpu.system) / 1e6 } satisfies HostResults);
    } else {
      await emulator?.close();
      send({ closed: true });
      process.exit(0);
    }
  })().catch((error: unknown) => {
    process.stderr.write(`emulator host: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
});
