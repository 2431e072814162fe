/**
 * The importer's CPU per Graph request with Node's fetch (undici) against src's httpsFetch (node:https):
 * a plain HTTPS server in another process answers every POST of an importMime-sized body (80 KB of
 * base64) with a small JSON, 32 requests at once; only this process's CPU is counted.
 *
 *   NODE_EXTRA_CA_CERTS=test/emulator/certs/server-cert.pem npx tsx bench/estate/fetch-ab.ts
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { httpsFetch } from '../../src/destination/graph/https-fetch.js';

const certs = join(import.meta.dirname, '..', '..', 'test', 'emulator', 'certs');
const serverCode = `
const { createServer } = require('node:https');
const { readFileSync } = require('node:fs');
const dir = process.argv[1];
const server = createServer({ key: readFileSync(dir + '/server-key.pem'), cert: readFileSync(dir + '/server-cert.pem') }, (req, res) => {
  let n = 0; req.on('data', (c) => (n += c.length));
  req.on('end', () => { res.writeHead(201, { 'content-type': 'application/json' }); res.end(JSON.stringify({ id: 'AAMk' + n, isDraft: false, subject: 'x'.repeat(200) })); });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));`;

async function main(): Promise<void> {
  const server = spawn(process.execPath, ['-e', serverCode, certs], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => server.stdout.once('data', (d) => resolve(String(d).trim())));
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
