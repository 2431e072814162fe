import type { Reply } from '../http/reply.js';
import type { EmulatorState } from '../state.js';

const JSON_TYPE = 'application/json; charset=utf-8';

/** Only endpoints on the emulator, so msal never reaches for login.microsoftonline.com. */
export function openIdConfiguration(state: EmulatorState): Reply {
  const base = `${state.url}/${state.tenantId}`;
  return {
    status: 200,
    contentType: JSON_TYPE,
    body: {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${state.url}/${state.tenantId}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${base}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${state.url}/oidc/userinfo`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'tid'],
      kerberos_endpoint: `${base}/kerberos`,
      tenant_region_scope: 'EU',
      cloud_instance_name: 'microsoftonline.com',
      cloud_graph_host_name: 'graph.windows.net',
      msgraph_host: new URL(state.url).host,
    },
  };
}

/** Instance discovery, for clients that ask instead of using knownAuthorities. */
export function instanceDiscovery(state: EmulatorState, tenantSegment: string): Reply {
  const host = new URL(state.url).host;
  return {
    status: 200,
    contentType: JSON_TYPE,
    body: {
      tenant_discovery_endpoint: `${state.url}/${tenantSegment}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    },
  };
}

export function signingKeys(): Reply {
  // Access tokens are HMAC-signed for the emulator's own use; no public keys to publish.
  return { status: 200, contentType: JSON_TYPE, body: { keys: [] } };
}
