import { randomUUID } from 'node:crypto';
import type { Reply } from '../http/reply.js';

/** Entra's OAuth error body: error, AADSTS-prefixed description with trace ids, error_codes and friends. */
export function entraErrorReply(
  status: number,
  error: string,
  code: number,
  description: string,
  correlationId: string = randomUUID(),
): Reply {
  const traceId = randomUUID();
  const timestamp = new Date().toISOString().replace('T', ' ').replace(/\.(\d{3})Z$/, '.$1Z');
  return {
    status,
    contentType: 'application/json; charset=utf-8',
    body: {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}

export const entraErrors = {
  /** AADSTS7000222, as Entra words it (Microsoft Q&A and the AADSTS error-code lookup). */
  expiredSecret: (clientId: string, cid?: string) =>
    entraErrorReply(
      401,
      'invalid_client',
      7000222,
      `The provided client secret keys for app '${clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
      cid,
    ),
  wrongSecret: (clientId: string, cid?: string) =>
    entraErrorReply(
      401,
      'invalid_client',
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
      cid,
    ),
  missingCredential: (cid?: string) =>
    entraErrorReply(
      401,
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
      cid,
    ),
  unknownClient: (clientId: string, tenant: string, cid?: string) =>
    entraErrorReply(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
      cid,
    ),
  unknownTenant: (tenant: string, cid?: string) =>
    entraErrorReply(
      400,
      'invalid_tenant',
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
      cid,
    ),
  unsupportedGrant: (cid?: string) =>
    entraErrorReply(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.', cid),
  invalidScope: (scope: string, cid?: string) =>
    entraErrorReply(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      cid,
    ),
  assertionSignature: (cid?: string) =>
    entraErrorReply(401, 'invalid_client', 700027, 'Client assertion failed signature validation.', cid),
  assertionUnknownKey: (clientId: string, cid?: string) =>
    entraErrorReply(
      401,
      'invalid_client',
      700027,
      `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: 'unknown', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${clientId}'.]`,
      cid,
    ),
  assertionExpired: (cid?: string) =>
    entraErrorReply(401, 'invalid_client', 700024, 'Client assertion is not within its valid time range.', cid),
  assertionClaims: (detail: string, cid?: string) =>
    entraErrorReply(401, 'invalid_client', 700023, `Client assertion audience or subject claim is invalid: ${detail}.`, cid),
  invalidAssertionType: (cid?: string) =>
    entraErrorReply(
      400,
      'invalid_request',
      50027,
      "The client_assertion_type must be 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'.",
      cid,
    ),
};
