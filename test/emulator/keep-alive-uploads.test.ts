/**
 * The emulator's HTTPS server must not drop a keep-alive connection because an upload arrived while its
 * previous answer was still being written (see withRoomyWrites in server.ts): that is Node's behaviour,
 * not Exchange's, and it turned a few percent of bench:estate's creates into unanswered ones.
 */
import { request } from 'node:https';
import { describe, expect, it } from 'vitest';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenHttps } from './server.js';
import { loadTestCertificates } from './test-certificates.js';

describe('emulator HTTPS server', () => {
  it('gives its sockets a write high-water mark above any answer it writes, so the parser never pauses mid-upload', async () => {
    const certificates = loadTestCertificates();
    const seen: number[] = [];
    const handler = (async (req: IncomingMessage, res: ServerResponse) => {
      seen.push(req.socket.writableHighWaterMark);
      res.end('ok');
    }) as unknown as Parameters<typeof listenHttps>[2];
    const server = await listenHttps({ key: certificates.serverKeyPem, cert: certificates.serverCertPem }, 0, handler);
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: server.port, path: '/', method: 'GET', ca: certificates.serverCertPem, servername: 'localhost' }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end();
      });
      expect(status).toBe(200);
      expect(seen).toHaveLength(1);
      // Node's default is 16 KB; a page of 100 messages or a large answer is more.
      expect(seen[0]).toBeGreaterThanOrEqual(8 * 1024 * 1024);
    } finally {
      await server.close();
    }
  });
});
