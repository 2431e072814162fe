import type { Reply } from '../http/reply.js';
import type { EmulatorState } from '../state.js';
import { GRAPH_AUDIENCE } from './access-token.js';
import { checkClientAssertion } from './client-assertion.js';
import { entraErrors } from './entra-errors.js';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export function isKnownTenant(state: EmulatorState, tenantSegment: string): boolean {
  const segment = tenantSegment.toLowerCase();
  return segment === state.options.tenant.toLowerCase() || segment === state.tenantId;
}

/** POST /{tenant}/oauth2/v2.0/token for the client-credentials grant, with a secret or a certificate. */
export function issueToken(state: EmulatorState, tenantSegment: string, form: URLSearchParams, correlationId: string): Reply {
  if (!isKnownTenant(state, tenantSegment)) return entraErrors.unknownTenant(tenantSegment, correlationId);
  if (form.get('grant_type') !== 'client_credentials') return entraErrors.unsupportedGrant(correlationId);

  const clientId = form.get('client_id') ?? '';
  const client = state.options.clients[clientId];
  if (!client) return entraErrors.unknownClient(clientId, state.options.tenant, correlationId);

  const scope = form.get('scope') ?? '';
  if (!scope.split(' ').includes(`${GRAPH_AUDIENCE}/.default`)) return entraErrors.invalidScope(scope, correlationId);

  const nowSeconds = Math.floor(Date.now() / 1000);
  const secret = form.get('client_secret');
  const assertion = form.get('client_assertion');
  if (assertion !== null) {
    if (form.get('client_assertion_type') !== JWT_BEARER) return entraErrors.invalidAssertionType(correlationId);
    if (!client.certificate) return entraErrors.assertionUnknownKey(clientId, correlationId);
    const tokenEndpoint = `${state.url}/${tenantSegment}/oauth2/v2.0/token`;
    const check = checkClientAssertion(assertion, {
      clientId,
      audiences: [tokenEndpoint, `${state.url}/${state.tenantId}/oauth2/v2.0/token`, `${state.url}/${state.tenantId}/v2.0`],
      certificatePem: client.certificate.certificatePem,
      nowSeconds,
    });
    if (!check.ok) {
      switch (check.reason) {
        case 'unknown-key':
          return entraErrors.assertionUnknownKey(clientId, correlationId);
        case 'expired':
          return entraErrors.assertionExpired(correlationId);
        case 'claims':
          return entraErrors.assertionClaims(check.detail ?? 'claims', correlationId);
        default:
          return entraErrors.assertionSignature(correlationId);
      }
    }
  } else if (secret === null || secret === '') {
    return entraErrors.missingCredential(correlationId);
  } else if (client.secret === undefined || secret !== client.secret) {
    return entraErrors.wrongSecret(clientId, correlationId);
  } else if (state.options.quirks.secretExpired === true) {
    return entraErrors.expiredSecret(clientId, correlationId);
  }

  const lifetime = state.options.tokenLifetimeSeconds;
  const accessToken = state.signer.issue({
    aud: GRAPH_AUDIENCE,
    iss: `https://sts.windows.net/${state.tenantId}/`,
    iat: nowSeconds,
    nbf: nowSeconds,
    exp: nowSeconds + lifetime,
    tid: state.tenantId,
    appid: clientId,
    ...(client.roles.length > 0 ? { [client.rolesInExchange === true ? 'emulator_exchange_roles' : 'roles']: [...client.roles] } : {}),
    idtyp: 'app',
  });
  return {
    status: 200,
    contentType: 'application/json; charset=utf-8',
    body: { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: accessToken },
  };
}
