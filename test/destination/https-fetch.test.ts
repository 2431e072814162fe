import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { httpsFetch } from '../../src/destination/graph/https-fetch.js';
import { networkErrorCode } from '../../src/destination/graph/should-retry.js';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { loadTestCertificates } from '../emulator/test-certificates.js';

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (request.url === '/gzip') {
        response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-multi': ['a', 'b'] });
        response.end(gzipSync(JSON.stringify({ echo: body, method: request.method, type: request.headers['content-type'], length: request.headers['content-length'] })));
      } else if (request.url === '/empty') {
        response.writeHead(204);
        response.end();
      } else if (request.url === '/reset') {
        request.socket.destroy();
      } else {
        setTimeout(() => response.end('late'), 2000);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('httpsFetch', () => {
  it('sends the body with its length and headers, and decodes a gzip answer', async () => {
    const response = await httpsFetch(`${base}/gzip`, { method: 'POST', body: 'héllo', headers: new Headers({ 'Content-Type': 'text/plain' }) });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-multi')).toBe('a, b');
    expect(await response.json()).toEqual({ echo: 'héllo', method: 'POST', type: 'text/plain', length: '6' });
  });

  it('gives a 204 an empty body', async () => {
    const response = await httpsFetch(`${base}/empty`, { method: 'DELETE' });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
  });

  it('fails like fetch on a reset (the code in the cause) and with the signal reason on abort', async () => {
    const reset = await httpsFetch(`${base}/reset`, { method: 'GET' }).catch((e: unknown) => e);
    expect(reset).toBeInstanceOf(TypeError);
    expect(networkErrorCode(reset)).toBe('ECONNRESET');
    const abort = new AbortController();
    const reason = Object.assign(new Error('no complete answer'), { name: 'TimeoutError', code: 'ETIMEDOUT' });
    setTimeout(() => abort.abort(reason), 50);
    await expect(httpsFetch(`${base}/slow`, { signal: abort.signal })).rejects.toBe(reason);
  });

  it('does not reuse a connection the server announced it would close as idle (Keep-Alive: timeout)', async () => {
    // Node's server sends "Keep-Alive: timeout=2" and closes an idle connection after 2 s; the agent must
    // drop it before (at 1 s), not take it for a request just as the server closes it (ECONNRESET).
    const connections: number[] = [];
    const short = createServer((request, response) => {
      request.resume();
      request.on('end', () => response.end('ok'));
    });
    short.keepAliveTimeout = 2000;
    short.on('connection', () => connections.push(Date.now()));
    await new Promise<void>((resolve) => short.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(short.address() as AddressInfo).port}/`;
      expect(await (await httpsFetch(url)).text()).toBe('ok');
      expect(await (await httpsFetch(url)).text()).toBe('ok');
      expect(connections).toHaveLength(1); // reused while fresh
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(await (await httpsFetch(url)).text()).toBe('ok');
      expect(connections).toHaveLength(2); // dropped by the agent after 1 s idle, before the server's 2 s
    } finally {
      short.closeAllConnections();
      await new Promise((resolve) => short.close(resolve));
    }
  });

  it('sends a body of several MB whole and in order, over TLS and plain HTTP alike (it is written a slice at a time)', async () => {
    const { serverCertPem, serverKeyPem } = loadTestCertificates();
    const digestOf = (request: IncomingMessage, response: ServerResponse): void => {
      const hash = createHash('sha256');
      let length = 0;
      // Read slowly, as a far server would: the client has to wait for the socket to drain between slices.
      request.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        length += chunk.length;
        request.pause();
        setTimeout(() => request.resume(), 1);
      });
      request.on('end', () => response.end(JSON.stringify({ length, sha256: hash.digest('hex'), declared: request.headers['content-length'] })));
    };
    const tls = createHttpsServer({ cert: serverCertPem, key: serverKeyPem }, digestOf);
    const plain = createServer(digestOf);
    await Promise.all([tls, plain].map((s) => new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))));
    try {
      const body = randomBytes(3 * 1024 * 1024 + 123);
      const expected = { length: body.length, sha256: createHash('sha256').update(body).digest('hex'), declared: String(body.length) };
      for (const url of [`https://localhost:${(tls.address() as AddressInfo).port}/`, `http://127.0.0.1:${(plain.address() as AddressInfo).port}/`]) {
        const response = await httpsFetch(url, { method: 'POST', body });
        expect(await response.json(), url).toEqual(expected);
      }
    } finally {
      for (const s of [tls, plain]) {
        s.closeAllConnections();
        await new Promise((resolve) => s.close(resolve));
      }
    }
  });

  it('reaches the HTTPS emulator, trusting NODE_EXTRA_CA_CERTS', async () => {
    const emulator: Emulator = await startEmulator();
    try {
      for (let i = 0; i < 3; i++) {
        const response = await httpsFetch(`${emulator.url}/v1.0/users/ann@contoso.onmicrosoft.com/mailFolders`);
        expect(response.status).toBe(401); // no token: the emulator answered over TLS
      }
    } finally {
      await emulator.close();
    }
  });
});
