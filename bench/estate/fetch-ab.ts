/**
 * The importer's CPU per Graph request with Node's fetch (undici) against src's httpsFetch (node:https):
 * a plain HTTPS server in another process answers every POST of an importMime-sized body (80 KB of
 * base64) with a small JSON, 32 requests at once; only this process's CPU is counted.
 *
 *   NODE_EXTRA_CA_CERTS=test/emulator/certs/server-cert.pem npx tsx bench/estate/fetch-ab.ts
 */
import { startCreateAnswerServer } from './create-answer-server.js';
import { httpsFetch } from '../../src/destination/graph/https-fetch.js';

async function main(): Promise<void> {
  const { port, server } = await startCreateAnswerServer();
  const url = `https://localhost:${port}/beta/users/x/mailFolders/inbox/importMime`;
  const body = Buffer.alloc(60_000, 'a').toString('base64');
  const run = async (name: string, send: (url: string, init: RequestInit) => Promise<Pick<Response, 'json'>>, n: number, concurrency: number): Promise<void> => {
    const cpu = process.cpuUsage();
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next++ < n) {
          const response = await send(url, { method: 'POST', body, headers: new Headers({ 'Content-Type': 'text/plain', Authorization: `Bearer ${'x'.repeat(1200)}` }) });
          await response.json();
        }
      }),
    );
    const used = process.cpuUsage(cpu);
    console.log(`${name}: ${((used.user + used.system) / 1000 / n).toFixed(3)} ms CPU per request (${n} requests, ${concurrency} at once)`);
  };
  try {
    for (let round = 0; round < 2; round++) {
      await run('fetch (undici)', fetch, 1500, 32);
      await run('httpsFetch    ', httpsFetch, 1500, 32);
    }
  } finally {
    server.kill();
  }
}

void main();
