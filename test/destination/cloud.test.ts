import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { msalAuthority, resolveEndpoints } from '../../src/destination/graph/cloud.js';
import { secretCredential } from '../../src/destination/graph/credentials.js';
import { createTokenSource } from '../../src/destination/graph/token-source.js';
import { startEmulator, type Emulator } from '../emulator/index.js';

describe('resolveEndpoints', () => {
  it.each([
    ['global', 'https://login.microsoftonline.com', 'https://graph.microsoft.com'],
    ['usgov', 'https://login.microsoftonline.us', 'https://graph.microsoft.us'],
    ['usgov-dod', 'https://login.microsoftonline.us', 'https://dod-graph.microsoft.us'],
    ['china', 'https://login.chinacloudapi.cn', 'https://microsoftgraph.chinacloudapi.cn'],
  ] as const)('%s preset', (cloud, authorityHost, graphUrl) => {
    expect(resolveEndpoints({ cloud })).toEqual({
      cloud,
      authorityHost,
      graphUrl,
      scope: `${graphUrl}/.default`,
      customAuthority: false,
    });
  });

  it('defaults to the global cloud', () => {
    expect(resolveEndpoints({}).graphUrl).toBe('https://graph.microsoft.com');
  });

  it('takes https overrides, trimming trailing slashes, keeping the cloud’s token scope', () => {
    const endpoints = resolveEndpoints({
      cloud: 'usgov',
      authorityHost: 'https://login.example.test:8443/',
      graphUrl: 'https://127.0.0.1:9443/',
    });
    expect(endpoints).toMatchObject({
      authorityHost: 'https://login.example.test:8443',
      graphUrl: 'https://127.0.0.1:9443',
      scope: 'https://graph.microsoft.us/.default',
      customAuthority: true,
    });
  });

  it.each([
    ['authorityHost', '--authority-host', 'http://login.example.test'],
    ['graphUrl', '--graph-url', 'http://127.0.0.1:8080'],
    ['graphUrl', '--graph-url', 'ftp://graph.example.test'],
    ['authorityHost', '--authority-host', 'login.example.test'],
  ])('refuses %s %s', (key, flag, value) => {
    expect(() => resolveEndpoints({ [key]: value })).toThrow(new RegExp(`^${flag}`));
  });

  it('never echoes credentials embedded in an override', () => {
    let message = '';
    try {
      resolveEndpoints({ graphUrl: 'http://user:hunter2@graph.example.test' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/--graph-url/);
    expect(message).not.toMatch(/hunter2/);
  });

  it('refuses an unknown cloud name', () => {
    expect(() => resolveEndpoints({ cloud: 'germany' as never })).toThrow(/--cloud must be one of/);
  });
});

describe('msalAuthority', () => {
  it('uses the preset host with no knownAuthorities (msal knows Microsoft’s hosts)', () => {
    expect(msalAuthority(resolveEndpoints({ cloud: 'china' }), 'contoso.partner.onmschina.cn')).toEqual({
      authority: 'https://login.chinacloudapi.cn/contoso.partner.onmschina.cn',
    });
  });

  it('makes a custom authority host a known authority, port included', () => {
    const endpoints = resolveEndpoints({ authorityHost: 'https://127.0.0.1:8443' });
    expect(msalAuthority(endpoints, 'contoso.onmicrosoft.com')).toEqual({
      authority: 'https://127.0.0.1:8443/contoso.onmicrosoft.com',
      knownAuthorities: ['127.0.0.1:8443'],
    });
  });

  it('refuses a tenant that would change the authority path', () => {
    expect(() => msalAuthority(resolveEndpoints({}), '../evil')).toThrow(/--tenant/);
  });
});

describe('a custom authority host, against the emulator', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('msal reads discovery and tokens from that host only, never a public Entra host', async () => {
    const contacted: string[] = [];
    const endpoints = resolveEndpoints({ authorityHost: emulator.url, graphUrl: emulator.url });
    const tokens = createTokenSource({
      credential: secretCredential(emulator.clientSecret),
      tenant: emulator.tenant,
      clientId: emulator.clientId,
      endpoints,
      networkClient: recordingNetworkClient(contacted),
    });
    const token = await tokens.getToken();
    expect(token.split('.')).toHaveLength(3);
    expect(contacted.length).toBeGreaterThan(0);
    expect(contacted.every((url) => new URL(url).origin === emulator.url)).toBe(true);
    expect(contacted.map((url) => new URL(url).pathname)).toEqual([
      `/${emulator.tenant}/v2.0/.well-known/openid-configuration`,
      `/${emulator.tenant}/oauth2/v2.0/token`,
    ]);
  });

  it('with msal’s own HTTP client too: the emulator saw the discovery and token requests', async () => {
    const endpoints = resolveEndpoints({ authorityHost: emulator.url, graphUrl: emulator.url });
    const before = emulator.inspect.requests().length;
    const tokens = createTokenSource({
      credential: secretCredential(emulator.clientSecret),
      tenant: emulator.tenant,
      clientId: emulator.clientId,
      endpoints,
    });
    await tokens.getToken();
    const paths = emulator.inspect.requests().slice(before).map((request) => request.path);
    expect(paths).toContain(`/${emulator.tenant}/v2.0/.well-known/openid-configuration`);
    expect(paths).toContain(`/${emulator.tenant}/oauth2/v2.0/token`);
    expect(paths.some((path) => path.includes('discovery/instance'))).toBe(false);
  });
});

/** An msal network client over fetch that records every URL msal asks for. */
function recordingNetworkClient(contacted: string[]): INetworkModule {
  const send = async <T>(method: 'GET' | 'POST', url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> => {
    contacted.push(url);
    const response = await fetch(url, { method, headers: options?.headers, body: options?.body });
    const text = await response.text();
    return {
      status: response.status,
      headers: Object.fromEntries(response.headers),
      body: (text === '' ? {} : JSON.parse(text)) as T,
    };
  };
  return {
    sendGetRequestAsync: (url, options) => send('GET', url, options),
    sendPostRequestAsync: (url, options) => send('POST', url, options),
  };
}
