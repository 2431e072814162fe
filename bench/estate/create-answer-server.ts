/**
 * For the request-path benchmarks: a plain HTTPS server in a process of its own (so that its CPU is not
 * counted) that answers every request, once its body has arrived, with a small JSON like a create's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

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

/** Starts the server; its port, and the process to kill when done. */
export async function startCreateAnswerServer(): Promise<{ port: string; server: ChildProcess }> {
  const server = spawn(process.execPath, ['-e', serverCode, certs], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => server.stdout!.once('data', (d) => resolve(String(d).trim())));
  return { port, server };
}
