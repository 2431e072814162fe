import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import { readBody } from '../http/read-body.js';
import type { Reply } from '../http/reply.js';
import type { EmulatorState } from '../state.js';
import { instanceDiscovery, openIdConfiguration, signingKeys } from './discovery.js';
import { entraErrors } from './entra-errors.js';
import { isKnownTenant, issueToken } from './token-endpoint.js';

const MAX_FORM_BYTES = 256 * 1024;

/** The login.microsoftonline.com side: discovery, instance discovery, keys and the token endpoint. */
export async function runEntraRequest(state: EmulatorState, request: IncomingMessage): Promise<Reply> {
  const url = new URL(request.url ?? '/', state.url);
  const method = (request.method ?? 'GET').toUpperCase();
  const [tenant = '', ...rest] = url.pathname.split('/').filter((segment) => segment.length > 0).map(decodeURIComponent);
  const path = rest.join('/').toLowerCase();
  const correlationId = String(request.headers['client-request-id'] ?? randomUUID());

  if (method === 'GET' && path === 'discovery/instance') return instanceDiscovery(state, tenant);
  if (method === 'GET' && path === 'v2.0/.well-known/openid-configuration') {
    return isKnownTenant(state, tenant) ? openIdConfiguration(state) : entraErrors.unknownTenant(tenant, correlationId);
  }
  if (method === 'GET' && path === 'discovery/v2.0/keys') return signingKeys();
  if (method === 'POST' && path === 'oauth2/v2.0/token') {
    const { body } = await readBody(request, MAX_FORM_BYTES);
    return issueToken(state, tenant, new URLSearchParams(body.toString('utf8')), correlationId);
  }
  return { status: 404, contentType: 'text/plain', body: 'Not found on the emulated login endpoint.' };
}
