import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { resolveEndpoints } from '../../src/destination/graph/cloud.js';
import { secretCredential } from '../../src/destination/graph/credentials.js';
import { createTokenSource } from '../../src/destination/graph/token-source.js';
import { startEmulator, type Emulator } from '../emulator/index.js';

describe('the token source reuses a token for most of its life, then has msal renew it', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    // 12 s, shorter than msal's 300 s renewal offset: reused for half its life (6 s), not asked for anew
    // on every request as when any token of 305 s or less counted as expired from the start.
    emulator = await startEmulator({ tokenLifetimeSeconds: 12 });
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('hands out the same token, then a new one once msal would renew it, and a new one on forceRefresh', async () => {
    const source = createTokenSource({
      credential: secretCredential(emulator.clientSecret),
      tenant: emulator.tenant,
      clientId: emulator.clientId,
      endpoints: resolveEndpoints({ authorityHost: emulator.url, graphUrl: emulator.url }),
    });
    const tokenRequests = () => emulator.inspect.requests().filter((r) => r.path.endsWith('/oauth2/v2.0/token')).length;
    const first = await source.getToken();
    for (let i = 0; i < 20; i++) expect(await source.getToken()).toBe(first);
    expect(tokenRequests()).toBe(1);
    await sleep(7000);
    const renewed = await source.getToken();
    expect(renewed).not.toBe(first);
    expect(tokenRequests()).toBe(2);
    // Issued in the same second, the emulator's new token may equal the last one: count requests instead.
    const forced = await source.getToken({ forceRefresh: true });
    expect(tokenRequests()).toBe(3);
    expect(await source.getToken()).toBe(forced);
  });
});
