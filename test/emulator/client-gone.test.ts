/**
 * A client killed in the middle of sending an upload: its request never arrives whole. Graph makes nothing
 * of it and has nobody to answer; the emulator must do the same, and not report its own failure (the kill
 * soak printed "emulator failure … Error: aborted" once uploads were written a slice at a time).
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { msalFor, tokenFor } from './clients.js';
import { startEmulator, type Emulator } from './index.js';

const ANN = 'ann@contoso.onmicrosoft.com';
let emulator: Emulator | undefined;

afterEach(async () => {
  vi.restoreAllMocks();
  await emulator?.close();
  emulator = undefined;
});

describe('a client that goes away mid-body', () => {
  it('leaves nothing in the mailbox, logs the request with status 0, and writes no emulator failure', async () => {
    emulator = await startEmulator({ mailboxes: [ANN] });
    const token = await tokenFor(msalFor(emulator));
    const written: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    vi.spyOn(process.stderr, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
      written.push(String(chunk));
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stderr.write);
    const url = new URL(`/beta/users/${ANN}/mailFolders/inbox/importMime`, emulator.url);
    await new Promise<void>((resolve) => {
      const req = request(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain', 'content-length': '100000' }, ca: readFileSync(emulator?.caFile ?? '') });
      req.on('error', () => resolve());
      req.write('U3ViamVjdDogaGFsZg0KDQpib2R5');
      // The first bytes are at the server: now the process "dies".
      setTimeout(() => req.destroy(), 100);
      req.on('close', () => resolve());
    });
    // The server sees the socket close, and its pipeline gives up on the body.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(emulator.inspect.messages(ANN)).toEqual([]);
    expect(emulator.inspect.requests().filter((r) => r.path.endsWith('/importMime')).map((r) => r.status)).toEqual([0]);
    expect(written.join('')).not.toContain('emulator failure');
  });
});
