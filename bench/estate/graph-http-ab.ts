/**
 * The importer's CPU per Graph request through GraphHttp (governor, token, retry verdicts and the HTTP
 * call): a plain HTTPS server in another process answers every importMime-sized POST (80 KB of base64)
 * with a small JSON, 8 mailboxes at 4 requests each; limits raised so that nothing is paced. Only this
 * process's CPU is counted. Run it before and after a change to the request path.
 *
 *   NODE_EXTRA_CA_CERTS=test/emulator/certs/server-cert.pem npx tsx bench/estate/graph-http-ab.ts
 */
import { startCreateAnswerServer } from './create-answer-server.js';
import { GraphHttp } from '../../src/destination/graph/graph-http.js';
import { accessTokenFromEnv } from '../../src/destination/graph/credentials.js';
import { createTokenSource } from '../../src/destination/graph/token-source.js';

async function main(): Promise<void> {
  const { port, server } = await startCreateAnswerServer();
  const credential = accessTokenFromEnv('BENCH_TOKEN', { BENCH_TOKEN: `ey${'x'.repeat(1200)}` });
  const http = new GraphHttp({
    endpoints: { graphUrl: `https://localhost:${port}` },
    tokens: createTokenSource({ credential }),
    limits: { concurrency: 4, requestsPerWindow: 1e9, bytesPerWindow: 1e15 },
  });
  const body = Buffer.from(Buffer.alloc(60_000, 'a').toString('base64'), 'latin1');
  const mailboxes = Array.from({ length: 8 }, (_, i) => `user${i}@contoso.com`);
  const run = async (n: number): Promise<number> => {
    const cpu = process.cpuUsage();
    let next = 0;
    await Promise.all(
      mailboxes.flatMap((mailbox) =>
        Array.from({ length: 4 }, async () => {
          while (next++ < n) {
            await http.request(mailbox, { method: 'POST', version: 'beta', path: `/users/${encodeURIComponent(mailbox)}/mailFolders/inbox/importMime`, contentType: 'text/plain', body, isCreate: true });
          }
        }),
      ),
    );
    const used = process.cpuUsage(cpu);
    return (used.user + used.system) / 1000 / n;
  };
  try {
    await run(500);
    const rounds: number[] = [];
    for (let round = 0; round < 3; round++) rounds.push(await run(2000));
    console.log(`GraphHttp.request: ${rounds.map((ms) => ms.toFixed(3)).join(', ')} ms CPU per request (2,000 requests a round, 8 mailboxes, 4 at once each)`);
  } finally {
    server.kill();
  }
}

void main();
