/**
 * National-cloud presets and the https-only overrides. With a custom authority host, msal is told that
 * host is a known authority, so it reads OpenID discovery from that host and never asks the public Entra
 * instance-discovery endpoint.
 */

export type CloudName = 'global' | 'usgov' | 'usgov-dod' | 'china';

export const CLOUD_NAMES: readonly CloudName[] = ['global', 'usgov', 'usgov-dod', 'china'];

interface CloudPreset {
  readonly authorityHost: string;
  readonly graphUrl: string;
}

const PRESETS: Readonly<Record<CloudName, CloudPreset>> = {
  global: { authorityHost: 'https://login.microsoftonline.com', graphUrl: 'https://graph.microsoft.com' },
  usgov: { authorityHost: 'https://login.microsoftonline.us', graphUrl: 'https://graph.microsoft.us' },
  'usgov-dod': { authorityHost: 'https://login.microsoftonline.us', graphUrl: 'https://dod-graph.microsoft.us' },
  china: { authorityHost: 'https://login.chinacloudapi.cn', graphUrl: 'https://microsoftgraph.chinacloudapi.cn' },
};

export interface CloudEndpoints {
  readonly cloud: CloudName;
  /** Origin (and optional path prefix) of the authority, without a trailing slash. */
  readonly authorityHost: string;
  /** The Graph root without version or trailing slash, e.g. `https://graph.microsoft.com`. */
  readonly graphUrl: string;
  /** The client-credentials scope: the Graph resource followed by `/.default`. */
  readonly scope: string;
  /** True when `--authority-host` replaced the preset: msal must treat it as a known authority. */
  readonly customAuthority: boolean;
}

export interface EndpointOptions {
  readonly cloud?: CloudName;
  readonly authorityHost?: string;
  readonly graphUrl?: string;
  /** Overrides the token scope; by default the preset cloud's Graph resource followed by `/.default`. */
  readonly scope?: string;
}

/**
 * importMime's API page lists availability in the global service only: no US Government L4, L5 (DoD) or
 * China (21Vianet). There the JSON path is the only way.
 */
export function importMimeAvailable(cloud: CloudName): boolean {
  return cloud === 'global';
}

export function isCloudName(value: string): value is CloudName {
  return (CLOUD_NAMES as readonly string[]).includes(value);
}

/** Throws an Error with a message fit for the admin (the CLI maps it to exit 2) on a bad value. */
export function resolveEndpoints(options: EndpointOptions): CloudEndpoints {
  const cloud = options.cloud ?? 'global';
  const preset = PRESETS[cloud];
  if (preset === undefined) {
    throw new Error(`--cloud must be one of ${CLOUD_NAMES.join(', ')}; got ${String(cloud)}`);
  }
  const authorityHost = options.authorityHost === undefined ? preset.authorityHost : httpsRoot('--authority-host', options.authorityHost);
  const graphUrl = options.graphUrl === undefined ? preset.graphUrl : httpsRoot('--graph-url', options.graphUrl);
  return {
    cloud,
    authorityHost,
    graphUrl,
    // The audience is the cloud's Graph resource even when --graph-url points the requests elsewhere (a
    // proxy, a regional endpoint, the test emulator): that host still serves, and checks, that resource.
    scope: options.scope ?? `${preset.graphUrl}/.default`,
    customAuthority: options.authorityHost !== undefined,
  };
}

export interface MsalAuthorityOptions {
  readonly authority: string;
  readonly knownAuthorities?: string[];
}

/** The `auth.authority` (and `knownAuthorities`) msal-node needs for this tenant. */
export function msalAuthority(endpoints: CloudEndpoints, tenant: string): MsalAuthorityOptions {
  if (!/^[A-Za-z0-9.-]+$/.test(tenant)) {
    throw new Error('--tenant must be a domain (contoso.onmicrosoft.com) or a directory ID');
  }
  const authority = `${endpoints.authorityHost}/${tenant}`;
  if (!endpoints.customAuthority) return { authority };
  // msal compares knownAuthorities against the URL's host, port included.
  return { authority, knownAuthorities: [new URL(endpoints.authorityHost).host] };
}

function httpsRoot(flag: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${flag} must be an absolute https URL; got ${JSON.stringify(value)}`);
  }
  // Checked first so that a URL carrying credentials is never echoed back.
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new Error(`${flag} must be a plain https URL without query, fragment or credentials`);
  }
  if (url.protocol !== 'https:') {
    throw new Error(`${flag} must use https; got ${url.protocol.replace(':', '')} in ${JSON.stringify(value)}`);
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}
